import type { ErrorInfo, ResumeRequested, StackCreated } from "@tasker/contracts";
import { type Decision, RUN_OPEN, stackGuard } from "../decision.js";

/** An event that hands a worker work on a stack run: a call to start, or a resume to deliver. */
export type Work = StackCreated | ResumeRequested;

/**
 * Settles the stack run whose work `work` carried when its worker gives up on it (the work could not
 * be done or recorded, whatever the number of attempts): `stack.failed` with `error`, under the stack
 * run's own guard at the activations recorded when the work was due (0 for a start, `k` for the
 * resume to `k + 1`), while the run is open. Whoever records that activation first wins; the parent
 * catches the error.
 */
export function settleAbandoned(work: Work, error: ErrorInfo): Decision {
  const { stackRunId } = work.data;
  const activations = work.type === "stack.created" ? 0 : work.data.activation - 1;
  return {
    expected: [{ guard: stackGuard(stackRunId), version: activations }, RUN_OPEN],
    events: [{ type: "stack.failed", data: { stackRunId, error } }],
  };
}

/** How the failure of a call the executor gave up on begins (what the bus gave up on was never recorded as an activation). */
export const ABANDONED_PREFIX = "the executor gave up on this call";
