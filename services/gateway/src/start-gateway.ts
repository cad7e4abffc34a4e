import type { AddressInfo } from "node:net";
import { NestFactory } from "@nestjs/core";
import type { NestExpressApplication } from "@nestjs/platform-express";
import type { Platform, RunningService } from "@tasker/platform";
import { GatewayModule } from "./gateway.module.js";
import { serveApiDocs } from "./http/api-docs.js";
import { lastResponsesCloseConnections } from "./http/close-connections.js";

/** The running HTTP API. */
export interface GatewayHandle extends RunningService {
  /** Where it listens, e.g. `http://127.0.0.1:3000` (the bound port when `PORT` is 0). */
  readonly url: string;
}

function urlOf(address: AddressInfo | string | null, host: string): string {
  if (address === null || typeof address === "string") throw new Error(`the gateway is not listening on TCP (${address})`);
  const shown = host.includes(":") ? `[${host}]` : host;
  return `http://${shown}:${address.port}`;
}

/** Builds the Nest HTTP app on `platform` and listens on `HOST`:`PORT`; `close()` stops it. */
export async function startGateway(platform: Platform): Promise<GatewayHandle> {
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.register(platform), { logger: ["error", "warn"], bodyParser: false });
  // Our own parser, for our limit; `strict`: a body is an object or an array, never a bare scalar.
  app.useBodyParser("json", { limit: platform.config.TASKER_MAX_BODY_BYTES, strict: true });
  app.disable("x-powered-by");
  serveApiDocs(app);
  const { HOST, PORT } = platform.config;
  const closeAfterResponses = lastResponsesCloseConnections(app.getHttpServer());
  await app.listen(PORT, HOST);
  const url = urlOf(app.getHttpServer().address(), HOST);
  return {
    name: "gateway",
    url,
    close: async () => {
      closeAfterResponses();
      await app.close();
    },
  };
}
