import { TaskerError } from "@tasker/contracts";
import { SandboxFailure } from "@tasker/sandbox";

/**
 * The sandbox's host errors are deterministic (a journal it cannot replay, a result for a call the VM
 * does not wait on): retrying gives the same answer, so they are terminal, and the call fails with them.
 */
export function classified(error: unknown): unknown {
  return error instanceof SandboxFailure ? new TaskerError(error.code, error.message, "terminal", { cause: error }) : error;
}
