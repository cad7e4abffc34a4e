import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { type Client, type ClientDuplexStream, type ClientReadableStream, credentials, loadPackageDefinition, makeGenericClientConstructor, Metadata, type ServiceError } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { TASKER_PROTO_PATH } from "@tasker/contracts";
import { service as healthService } from "grpc-health-check";

/** A gRPC call's answer: its response, or its error (status code, details, metadata). */
export interface GrpcAnswer {
  readonly response?: Record<string, unknown>;
  readonly error?: ServiceError;
}

/** A server stream's answer: the messages received, in order, and the error that ended it, if any. */
export interface GrpcStreamAnswer {
  readonly messages: Record<string, unknown>[];
  readonly error?: ServiceError;
}

/** The unary methods of `tasker.v1.Tasks`. */
export type TasksUnaryMethod = "SubmitTask" | "GetTask" | "CancelTask" | "PublishTaskFunction" | "ListTaskFunctions";

/** A client of the gateway's `tasker.v1.Tasks` (and of its reflection and health services), for tests. */
export interface TasksGrpcClient {
  /** Calls `method` with `request`, sending `apiKey` as `authorization: Bearer <key>` metadata when given. */
  call(method: TasksUnaryMethod, request: object, apiKey?: string): Promise<GrpcAnswer>;
  /**
   * Calls `WatchTask` and collects its messages until the server ends the stream, or until `onMessage`
   * returns `"stop"` (the client then cancels the call: the answer has no error).
   */
  watch(request: object, apiKey?: string, onMessage?: (message: Record<string, unknown>) => "stop" | void): Promise<GrpcStreamAnswer>;
  /** `grpc.health.v1.Health/Check` for `service` ("" for the server): `SERVING`, `NOT_SERVING`... */
  health(service?: string): Promise<string>;
  /** The services `grpc.reflection.v1` lists, as `grpcurl list` shows them. */
  listServices(): Promise<string[]>;
  close(): void;
}

type Callback = (error: ServiceError | null, response: Record<string, unknown>) => void;
type Unary = (request: object, metadata: Metadata, callback: Callback) => void;
type RawClient = Client & Record<TasksUnaryMethod, Unary> & { WatchTask(request: object, metadata: Metadata): ClientReadableStream<Record<string, unknown>> };
type ClientClass<T> = new (address: string, creds: ReturnType<typeof credentials.createInsecure>) => T;
type HealthClient = Client & { Check(request: object, callback: Callback): void };
/** The part of a `ServerReflectionResponse` a `list_services` request gets. */
interface ReflectionResponse {
  listServicesResponse?: { service: { name: string }[] };
}
type ReflectionClient = Client & { ServerReflectionInfo(): ClientDuplexStream<object, ReflectionResponse> };

const REFLECTION_PROTO = join(dirname(createRequire(import.meta.url).resolve("@grpc/reflection")), "../proto/grpc/reflection/v1/reflection.proto");

/** Connects to the gRPC API at `address` (`host:port`, insecure). */
export function tasksGrpcClient(address: string): TasksGrpcClient {
  const loaded = { keepCase: false, defaults: true, oneofs: true } as const;
  const proto = loadPackageDefinition(loadSync(TASKER_PROTO_PATH, loaded)) as unknown as { tasker: { v1: { Tasks: ClientClass<RawClient> } } };
  const client = new proto.tasker.v1.Tasks(address, credentials.createInsecure());
  const Health = makeGenericClientConstructor(healthService as never, "grpc.health.v1.Health") as unknown as ClientClass<HealthClient>;
  const reflectionProto = loadPackageDefinition(loadSync(REFLECTION_PROTO, loaded)) as unknown as { grpc: { reflection: { v1: { ServerReflection: ClientClass<ReflectionClient> } } } };
  const metadataOf = (apiKey: string | undefined) => {
    const metadata = new Metadata();
    if (apiKey !== undefined) metadata.set("authorization", `Bearer ${apiKey}`);
    return metadata;
  };
  return {
    call(method, request, apiKey) {
      return new Promise((resolve) => client[method](request, metadataOf(apiKey), (error, response) => resolve(error ? { error } : { response })));
    },
    watch(request, apiKey, onMessage) {
      return new Promise((resolve) => {
        const messages: Record<string, unknown>[] = [];
        const stream = client.WatchTask(request, metadataOf(apiKey));
        let stopped = false;
        stream.on("data", (message: Record<string, unknown>) => {
          messages.push(message);
          if (onMessage?.(message) === "stop") {
            stopped = true;
            stream.cancel();
          }
        });
        stream.on("error", (error: ServiceError) => resolve(stopped ? { messages } : { messages, error }));
        stream.on("end", () => resolve({ messages }));
      });
    },
    health(service = "") {
      const health = new Health(address, credentials.createInsecure());
      return new Promise((resolve, reject) =>
        health.Check({ service }, (error, response) => {
          health.close();
          if (error) reject(error);
          else resolve(response.status as string);
        }),
      );
    },
    listServices() {
      const reflection = new reflectionProto.grpc.reflection.v1.ServerReflection(address, credentials.createInsecure());
      return new Promise((resolve, reject) => {
        const stream = reflection.ServerReflectionInfo();
        stream.on("data", (response: ReflectionResponse) => {
          resolve((response.listServicesResponse?.service ?? []).map(({ name }) => name));
          stream.end();
        });
        stream.on("error", reject);
        stream.on("end", () => reflection.close());
        stream.write({ listServices: "" });
      });
    },
    close: () => client.close(),
  };
}
