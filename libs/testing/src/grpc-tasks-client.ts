import { type Client, credentials, loadPackageDefinition, Metadata, type ServiceError } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { TASKER_PROTO_PATH } from "@tasker/contracts";

/** A gRPC call's answer: its response, or its error (status code, details, metadata). */
export interface GrpcAnswer {
  readonly response?: Record<string, unknown>;
  readonly error?: ServiceError;
}

/** A client of the gateway's `tasker.v1.Tasks`, for tests. */
export interface TasksGrpcClient {
  /** Calls `method` with `request`, sending `apiKey` as `authorization: Bearer <key>` metadata when given. */
  call(method: "SubmitTask" | "GetTask", request: object, apiKey?: string): Promise<GrpcAnswer>;
  close(): void;
}

type Unary = (request: object, metadata: Metadata, callback: (error: ServiceError | null, response: Record<string, unknown>) => void) => void;
type RawClient = Client & Record<"SubmitTask" | "GetTask", Unary>;

/** Connects to the gRPC API at `address` (`host:port`, insecure). */
export function tasksGrpcClient(address: string): TasksGrpcClient {
  const proto = loadPackageDefinition(loadSync(TASKER_PROTO_PATH, { keepCase: false, defaults: true, oneofs: true })) as unknown as {
    tasker: { v1: { Tasks: new (address: string, creds: ReturnType<typeof credentials.createInsecure>) => RawClient } };
  };
  const client = new proto.tasker.v1.Tasks(address, credentials.createInsecure());
  return {
    call(method, request, apiKey) {
      const metadata = new Metadata();
      if (apiKey !== undefined) metadata.set("authorization", `Bearer ${apiKey}`);
      return new Promise((resolve) => client[method](request, metadata, (error, response) => resolve(error ? { error } : { response })));
    },
    close: () => client.close(),
  };
}
