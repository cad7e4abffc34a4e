import type { ErrorInfo } from "@tasker/contracts";
import { type Decision, RUN_OPEN, stackGuard } from "../decision.js";

/**
 * Settles a stack run its worker gave up on (the work could not be done or recorded, whatever the
 * number of attempts): `stack.failed` with `error`, under its own guard at `activations` (the
 * activations recorded when the abandoned work was due: 0 for a start, `k` for the resume to `k + 1`),
 * while the run is open. Whoever records that activation first wins; the parent catches the error.
 */
export function settleAbandoned(stackRunId: string, activations: number, error: ErrorInfo): Decision {
  return {
    expected: [{ guard: stackGuard(stackRunId), version: activations }, RUN_OPEN],
    events: [{ type: "stack.failed", data: { stackRunId, error } }],
  };
}
