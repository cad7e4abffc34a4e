import { type Decision, RUN_GUARD } from "../decision.js";
import type { RunState } from "../run-state.js";
import { silentThroughField } from "../silence.js";

/**
 * Ends the run once its root stack run settled: `run.completed` with the root's result, or
 * `run.failed` with its error, under guard `run` at 0, each with the state's `silentThrough` (when it
 * has one: see `loggedNothing`). Nothing if the root is unsettled or the run ended.
 */
export function decideRunEnd(state: RunState): Decision | null {
  if (state.ended || state.taskRunId === null || state.rootStackRunId === null) return null;
  const outcome = state.stackRuns.get(state.rootStackRunId)?.outcome;
  if (!outcome) return null;
  const taskRunId = state.taskRunId;
  const silence = silentThroughField(state);
  return {
    expected: [{ guard: RUN_GUARD, version: 0 }],
    events: [
      outcome.ok
        ? { type: "run.completed", data: { taskRunId, result: outcome.value, ...silence } }
        : { type: "run.failed", data: { taskRunId, error: outcome.error, ...silence } },
    ],
  };
}
