import { existsSync, readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Logger } from "@nestjs/common";
import type { NestExpressApplication } from "@nestjs/platform-express";

/** Where the run inspector is served. */
const INSPECTOR_PATH = "/ui";

/** The page's scripts, styles and API calls are this gateway's own; it may not be framed. */
const CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/** The folder of the run inspector's bundle: `@tasker/ui`'s `dist/` (Vite's output). */
function inspectorBundle(): string {
  return join(dirname(createRequire(import.meta.url).resolve("@tasker/ui/package.json")), "dist");
}

/**
 * Serves the run inspector at `/ui`: its hashed assets as static files (cached for a year: a new
 * build has new names), and its `index.html` for `/ui` and every other `/ui/*` path (the page's own
 * routes, such as `/ui/runs/<id>`), under a content security policy that lets the page load and
 * reach nothing but this gateway. Public, as `/health` is: the page asks for an API key and sends it
 * with every API call it makes. Without a built bundle, `/ui` answers 404 and a warning says why.
 */
export function serveInspector(app: NestExpressApplication): void {
  const bundle = inspectorBundle();
  const index = join(bundle, "index.html");
  if (!existsSync(index)) {
    new Logger("gateway").warn(`the run inspector is not built (no ${index}; npm run build builds it): ${INSPECTOR_PATH} answers 404`);
    return;
  }
  app.useStaticAssets(join(bundle, "assets"), { prefix: `${INSPECTOR_PATH}/assets`, immutable: true, maxAge: "365d", fallthrough: false });
  const page = readFileSync(index);
  app.use(INSPECTOR_PATH, (request: IncomingMessage, response: ServerResponse, next: () => void) => {
    if (request.method !== "GET" && request.method !== "HEAD") return next();
    response.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-length": page.length, "cache-control": "no-cache", "content-security-policy": CONTENT_SECURITY_POLICY });
    response.end(request.method === "HEAD" ? undefined : page);
  });
}
