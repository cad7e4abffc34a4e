export * from "./api-keys.js";
export * from "./error-body.js";
export * from "./grpc.js";
export * from "./signals.js";
export * from "./storable-json.js";
export * from "./task-functions.js";
export * from "./tasks.js";
export * from "./task-run-events.js";
