import type { CallResult } from "@tasker/contracts";
import { type Decision, RUN_OPEN, resumeGuard, stackGuard } from "../decision.js";
import type { RunState } from "../run-state.js";

/**
 * How much result JSON one resume carries at most (characters), unless a single result is larger:
 * a batch is one event, and events stay small enough to store and carry. Results left out go in
 * the next batch.
 */
export const MAX_RESUME_BATCH_CHARS = 1024 * 1024;

/**
 * Resumes a suspended stack run with the results of its children that it has not been given yet, in
 * seq order, as many as fit `MAX_RESUME_BATCH_CHARS` (at least one). Decides only when the stack
 * run's last event is `vm.suspended` at activation `k`, no resume for `k + 1` was requested, the run
 * has not ended and some result is undelivered; the resume goes to the worker that suspended it,
 * under guard `resume:<id>` at `k - 1`, on condition that the stack run is still at activation `k`
 * and the run is open. Results that arrive while the stack run is running wait for its next
 * `vm.suspended`.
 */
export function decideResume(state: RunState, stackRunId: string): Decision | null {
  if (state.ended) return null;
  const run = state.stackRuns.get(stackRunId);
  if (!run || run.status !== "suspended" || !run.lastSuspended) return null;
  const { activation, worker } = run.lastSuspended;
  if (run.resumeRequestedFor > activation) return null;
  const undelivered = [...run.childResults.values()].sort((a, b) => a.result.seq - b.result.seq);
  if (undelivered.length === 0) return null;
  const results: CallResult[] = [];
  let size = 0;
  for (const child of undelivered) {
    if (results.length > 0 && size + child.size > MAX_RESUME_BATCH_CHARS) break;
    results.push(child.result);
    size += child.size;
  }
  return {
    expected: [{ guard: resumeGuard(stackRunId), version: activation - 1 }, { guard: stackGuard(stackRunId), version: activation, check: true }, RUN_OPEN],
    events: [{ type: "resume.requested", data: { stackRunId, activation: activation + 1, results, worker } }],
  };
}
