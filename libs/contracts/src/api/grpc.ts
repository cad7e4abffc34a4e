import { fileURLToPath } from "node:url";

/** The gateway's gRPC API (`libs/contracts/proto/tasker.proto`), for servers and clients to load. */
export const TASKER_PROTO_PATH = fileURLToPath(new URL("../../proto/tasker.proto", import.meta.url));

/** The proto package and service of the task API. */
export const TASKS_GRPC_SERVICE = "tasker.v1.Tasks";
