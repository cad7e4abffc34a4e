import type { StackStarted } from "@tasker/contracts";
import { type Decision, RUN_OPEN, stackGuard } from "../decision.js";

/** Who takes a start: the worker, the attempt (the delivery of its message: 1, more after a worker was lost), the lease. */
export type Start = Omit<StackStarted["data"], "stackRunId">;

/**
 * A worker claims the start of `stackRunId` before its first activation: `stack.started`, on condition
 * that no activation was recorded yet (the stack run's guard is still at 0; the claim only checks it,
 * so that the activation is then recorded under it at 0) and the run is open. Of two workers that
 * claim it, both may; of the activations they run, one is recorded.
 */
export function decideStart(stackRunId: string, start: Start): Decision {
  return {
    expected: [{ guard: stackGuard(stackRunId), version: 0, check: true }, RUN_OPEN],
    events: [{ type: "stack.started", data: { stackRunId, ...start } }],
  };
}
