export { runCli } from "./run-cli.js";
export type { Io } from "./io.js";
export { parseInput } from "./parse-input.js";
export { scanTaskFiles, type TaskFile } from "./task-files/scan-task-files.js";
export { readTaskDoc, type TaskDoc } from "./task-files/jsdoc.js";
export { GatewayClient, gatewayUrlFrom } from "./gateway/gateway-client.js";
export { memoryIo, type MemoryIo } from "./memory-io.js";
