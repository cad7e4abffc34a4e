import { type Decision, RUN_GUARD } from "../decision.js";
import type { RunState } from "../run-state.js";
import { silentThroughField } from "../silence.js";

/** The code of the error a cancelled run (and each of its unsettled calls) ends with. */
export const CANCELLED = "CANCELLED";

/**
 * Cancels the run: `run.cancelled`, under guard `run` at 0, so that it races the run's normal end
 * fairly (one wins). One event whatever the run's size: every writer's work rests on the run being
 * open (`RUN_OPEN`), so nothing of the run is recorded after it, and its unsettled stack runs count
 * as cancelled (see `evolve`). With the state's `silentThrough` (see `loggedNothing`). Nothing if the run already ended.
 */
export function decideCancel(state: RunState, reason: string | null): Decision | null {
  if (state.ended || state.taskRunId === null) return null;
  return {
    expected: [{ guard: RUN_GUARD, version: 0 }],
    events: [{ type: "run.cancelled", data: { taskRunId: state.taskRunId, reason, ...silentThroughField(state) } }],
  };
}
