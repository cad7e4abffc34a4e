import type { INestApplication } from "@nestjs/common";
import { DocumentBuilder, SwaggerModule } from "@nestjs/swagger";

/** Serves the OpenAPI document: the UI at `/docs`, the JSON at `/docs-json`. */
export function serveApiDocs(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle("Tasker")
    .setDescription("Publish task functions, run them, and follow their runs; keep secrets for them, sealed at rest.")
    .addBearerAuth({ type: "http", scheme: "bearer", description: "TASKER_ADMIN_TOKEN, for the /keys routes" })
    .setVersion("1")
    .build();
  SwaggerModule.setup("docs", app, () => SwaggerModule.createDocument(app, config));
}
