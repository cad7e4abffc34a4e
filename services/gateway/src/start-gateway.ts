import type { AddressInfo } from "node:net";
import { NestFactory } from "@nestjs/core";
import type { NestExpressApplication } from "@nestjs/platform-express";
import type { Platform, RunningService } from "@tasker/platform";
import { GatewayModule } from "./gateway.module.js";
import { type GrpcEndpoint, startGrpcServer } from "./grpc/grpc-server.js";
import { tasksGrpcHandlers } from "./grpc/tasks-grpc-handlers.js";
import { RequestAuthenticator } from "./auth/request-authenticator.js";
import { serveApiDocs } from "./http/api-docs.js";
import { lastResponsesCloseConnections } from "./http/close-connections.js";
import { serveInspector } from "./http/serve-inspector.js";
import { TaskFunctionCatalog } from "./task-functions/task-function-catalog.js";
import { TaskFunctionPublisher } from "./task-functions/task-function-publisher.js";
import { RunCanceller } from "./tasks/run-canceller.js";
import { RunEventFeed } from "./tasks/run-event-feed.js";
import { RunListReader } from "./tasks/run-list-reader.js";
import { SubmitAndWait } from "./tasks/submit-and-wait.js";
import { TaskRunReader } from "./tasks/task-run-reader.js";

/** The running API. */
export interface GatewayHandle extends RunningService {
  /** Where HTTP listens, e.g. `http://127.0.0.1:3000` (the bound port when `PORT` is 0). */
  readonly url: string;
  /** Where gRPC listens (`host:port`), when `GRPC_PORT` is set. */
  readonly grpcAddress: string | undefined;
}

function urlOf(address: AddressInfo | string | null, host: string): string {
  if (address === null || typeof address === "string") throw new Error(`the gateway is not listening on TCP (${address})`);
  const shown = host.includes(":") ? `[${host}]` : host;
  return `http://${shown}:${address.port}`;
}

/**
 * Builds the Nest HTTP app on `platform` and listens on `HOST`:`PORT`, and serves gRPC on
 * `GRPC_PORT` when set; `close()` stops both, letting requests under way finish.
 */
export async function startGateway(platform: Platform): Promise<GatewayHandle> {
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.register(platform), { logger: ["error", "warn"], bodyParser: false });
  // Our own parser, for our limit; `strict`: a body is an object or an array, never a bare scalar.
  app.useBodyParser("json", { limit: platform.config.TASKER_MAX_BODY_BYTES, strict: true });
  app.disable("x-powered-by");
  const authenticator = app.get(RequestAuthenticator);
  serveApiDocs(app, authenticator);
  serveInspector(app);
  const { HOST, PORT, GRPC_PORT } = platform.config;
  const closeAfterResponses = lastResponsesCloseConnections(app.getHttpServer());
  await app.listen(PORT, HOST);
  let grpc: GrpcEndpoint | undefined;
  try {
    if (GRPC_PORT !== undefined) {
      const services = {
        submitAndWait: app.get(SubmitAndWait),
        runs: app.get(TaskRunReader),
        list: app.get(RunListReader),
        canceller: app.get(RunCanceller),
        feed: app.get(RunEventFeed),
        publisher: app.get(TaskFunctionPublisher),
        catalog: app.get(TaskFunctionCatalog),
        authenticator,
      };
      grpc = await startGrpcServer((closing) => tasksGrpcHandlers(services, closing), HOST, GRPC_PORT, platform.config.TASKER_MAX_BODY_BYTES);
    }
  } catch (error) {
    await app.close();
    throw error;
  }
  return {
    name: "gateway",
    url: urlOf(app.getHttpServer().address(), HOST),
    grpcAddress: grpc?.address,
    close: async () => {
      await grpc?.close();
      closeAfterResponses();
      await app.close();
    },
  };
}
