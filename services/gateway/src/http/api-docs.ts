import type { IncomingMessage, ServerResponse } from "node:http";
import type { INestApplication } from "@nestjs/common";
import { DocumentBuilder, SwaggerModule } from "@nestjs/swagger";
import type { RequestAuthenticator } from "../auth/request-authenticator.js";
import { errorResponse } from "./error-response.js";

/**
 * Serves the OpenAPI document: the UI at `/docs`, the JSON at `/docs-json`; with `TASKER_AUTH=on`,
 * to requests with a key only (any role), as every route but `/health` and `/metrics`.
 */
export function serveApiDocs(app: INestApplication, authenticator: RequestAuthenticator): void {
  if (authenticator.enabled) {
    app.use(["/docs", "/docs-json"], (request: IncomingMessage, response: ServerResponse, next: () => void) => {
      authenticator.authorize(request.headers.authorization, "docs.read").then(() => next(), (error: unknown) => {
        const { status, body } = errorResponse(error);
        if (status === 401) response.setHeader("WWW-Authenticate", 'Bearer realm="tasker"');
        response.writeHead(status, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(body));
      });
    });
  }
  const config = new DocumentBuilder()
    .setTitle("Tasker")
    .setDescription("Publish task functions, run them, and follow their runs; keep secrets for them, sealed at rest.")
    .addBearerAuth({ type: "http", scheme: "bearer", description: "an API key (TASKER_AUTH=on), or TASKER_ADMIN_TOKEN for the admin routes" })
    .setVersion("1")
    .build();
  SwaggerModule.setup("docs", app, () => SwaggerModule.createDocument(app, config));
}
