import { loadPackageDefinition, Server, ServerCredentials, type ServiceDefinition, type UntypedServiceImplementation } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { TASKER_PROTO_PATH, TASKS_GRPC_SERVICE } from "@tasker/contracts";

/** A listening gRPC server. */
export interface GrpcEndpoint {
  /** `host:port`, the port as bound (for `GRPC_PORT=0`). */
  readonly address: string;
  /** Lets calls under way finish, then stops. */
  close(): Promise<void>;
}

function tasksService(): ServiceDefinition {
  const definition = loadSync(TASKER_PROTO_PATH, { keepCase: false, longs: String, enums: String, defaults: true, oneofs: true });
  let node: unknown = loadPackageDefinition(definition);
  for (const part of TASKS_GRPC_SERVICE.split(".")) node = (node as Record<string, unknown>)[part];
  return (node as { service: ServiceDefinition }).service;
}

/** Serves `handlers` as `tasker.v1.Tasks` on `host:port` (insecure: put TLS in front, as for HTTP). */
export async function startGrpcServer(handlers: UntypedServiceImplementation, host: string, port: number): Promise<GrpcEndpoint> {
  const server = new Server();
  server.addService(tasksService(), handlers);
  const shownHost = host.includes(":") ? `[${host}]` : host;
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${shownHost}:${port}`, ServerCredentials.createInsecure(), (error, boundPort) => (error ? reject(error) : resolve(boundPort))),
  );
  return {
    address: `${shownHost}:${bound}`,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}
