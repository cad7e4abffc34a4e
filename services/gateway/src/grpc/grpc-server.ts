import { loadPackageDefinition, Server, ServerCredentials, type ServiceDefinition, type UntypedServiceImplementation } from "@grpc/grpc-js";
import { type PackageDefinition, loadSync } from "@grpc/proto-loader";
import { ReflectionService } from "@grpc/reflection";
import { TASKER_PROTO_PATH, TASKS_GRPC_SERVICE } from "@tasker/contracts";
import { HealthImplementation, protoPath as HEALTH_PROTO_PATH } from "grpc-health-check";

/** How long a stop waits for calls under way (a health `Watch` stays open for ever) before cutting them. */
const SHUTDOWN_GRACE_MS = 5000;

/** A listening gRPC server. */
export interface GrpcEndpoint {
  /** `host:port`, the port as bound (for `GRPC_PORT=0`). */
  readonly address: string;
  /** Reports NOT_SERVING, ends the `WatchTask` streams, lets unary calls under way finish (up to 5 s), then stops. */
  close(): Promise<void>;
}

function tasksService(definition: PackageDefinition): ServiceDefinition {
  let node: unknown = loadPackageDefinition(definition);
  for (const part of TASKS_GRPC_SERVICE.split(".")) node = (node as Record<string, unknown>)[part];
  return (node as { service: ServiceDefinition }).service;
}

/**
 * Serves `tasker.v1.Tasks` with the handlers `handlersFor` makes on `host:port` (insecure: put TLS in
 * front, as for HTTP), beside server reflection (`grpc.reflection.v1` and `v1alpha`, for `grpcurl list`)
 * and the standard health service (`grpc.health.v1.Health`: SERVING for "" and `tasker.v1.Tasks`).
 * The signal `handlersFor` receives aborts when the server stops. A request message over
 * `maxRequestBytes` (HTTP's body limit, `TASKER_MAX_BODY_BYTES`) is refused with `RESOURCE_EXHAUSTED`.
 */
export async function startGrpcServer(
  handlersFor: (closing: AbortSignal) => UntypedServiceImplementation,
  host: string,
  port: number,
  maxRequestBytes: number,
): Promise<GrpcEndpoint> {
  const definition = loadSync(TASKER_PROTO_PATH, { keepCase: false, longs: String, enums: String, defaults: true, oneofs: true });
  const closing = new AbortController();
  const server = new Server({ "grpc.max_receive_message_length": maxRequestBytes });
  server.addService(tasksService(definition), handlersFor(closing.signal));
  // Reflection describes what the definition it is given holds: ours and the health service's.
  new ReflectionService({ ...definition, ...loadSync(HEALTH_PROTO_PATH) }).addToServer(server);
  const health = new HealthImplementation({ "": "SERVING", [TASKS_GRPC_SERVICE]: "SERVING" });
  health.addToServer(server);
  const shownHost = host.includes(":") ? `[${host}]` : host;
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${shownHost}:${port}`, ServerCredentials.createInsecure(), (error, boundPort) => (error ? reject(error) : resolve(boundPort))),
  );
  return {
    address: `${shownHost}:${bound}`,
    close: () => {
      health.setStatus("", "NOT_SERVING");
      health.setStatus(TASKS_GRPC_SERVICE, "NOT_SERVING");
      closing.abort();
      return new Promise<void>((resolve) => {
        const cut = setTimeout(() => server.forceShutdown(), SHUTDOWN_GRACE_MS);
        server.tryShutdown(() => {
          clearTimeout(cut);
          resolve();
        });
      });
    },
  };
}
