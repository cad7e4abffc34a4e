import type { CallResult } from "@tasker/contracts";
import { type Decision, resumeGuard } from "../decision.js";
import type { RunState } from "../run-state.js";

/**
 * Resumes a suspended stack run with the results of its children that it has not been given yet.
 * Decides only when the stack run's last event is `vm.suspended` at activation `k`, no resume for
 * `k + 1` was requested, the run has not ended and some result is undelivered; the resume goes to the
 * worker that suspended it, under guard `resume:<id>` at `k - 1`. Results that arrive while the stack
 * run is running wait for its next `vm.suspended`.
 */
export function decideResume(state: RunState, stackRunId: string): Decision | null {
  if (state.ended) return null;
  const run = state.stackRuns.get(stackRunId);
  if (!run || run.status !== "suspended" || !run.lastSuspended) return null;
  const { activation, worker } = run.lastSuspended;
  if (run.resumeRequestedFor > activation) return null;
  const results: CallResult[] = [...run.childResults.values()]
    .filter((result) => !run.delivered.has(result.seq))
    .sort((a, b) => a.seq - b.seq);
  if (results.length === 0) return null;
  return {
    expected: { guard: resumeGuard(stackRunId), version: activation - 1 },
    events: [{ type: "resume.requested", data: { stackRunId, activation: activation + 1, results, worker } }],
  };
}
