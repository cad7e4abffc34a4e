import type { TaskerEvent } from "@tasker/contracts";
import { type Decision, RUN_GUARD, stackGuard } from "../decision.js";
import { isSettled, type RunState } from "../run-state.js";

/** The error every unfinished stack run of a cancelled run fails with. */
export const CANCELLED = "CANCELLED";

/**
 * Cancels the run: `stack.failed` (code `CANCELLED`) for every unsettled stack run, deepest first,
 * then `run.cancelled`, under guard `run` at 0 (so it races a run's normal end fairly: one wins) and
 * the activation guard of every unsettled task (so no activation under way can be recorded after it).
 * Nothing if the run already ended.
 */
export function decideCancel(state: RunState, reason: string | null): Decision | null {
  if (state.ended || state.taskRunId === null) return null;
  const message = reason ? `cancelled: ${reason}` : "cancelled";
  const unsettled = [...state.stackRuns.values()].filter((run) => !isSettled(run)).sort((a, b) => b.depth - a.depth);
  const failures: TaskerEvent[] = unsettled.map((run) => ({
    type: "stack.failed",
    data: { stackRunId: run.stackRunId, error: { code: CANCELLED, message } },
  }));
  const activations = unsettled
    .filter((run) => run.service === "tasks")
    .map((run) => ({ guard: stackGuard(run.stackRunId), version: run.lastSuspended?.activation ?? 0 }));
  return {
    expected: [{ guard: RUN_GUARD, version: 0 }, ...activations],
    events: [...failures, { type: "run.cancelled", data: { taskRunId: state.taskRunId, reason } }],
  };
}
