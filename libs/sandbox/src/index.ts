export * from "./types.js";
export { createSandbox, type Sandbox, type StartRequest, type ReplayRequest } from "./sandbox.js";
export type { TaskVm } from "./task-vm.js";
export { DEFAULT_LIMITS, type SandboxLimits } from "./limits.js";
export { ErrorCodes, type ErrorCode } from "./error-codes.js";
export { SandboxFailure, hasCode } from "./sandbox-failure.js";
export { hashArgs, canonicalJson } from "./hash-args.js";
export { FairQueue, type FairQueueOptions, type Share } from "./fair-queue.js";
