import type { TaskerEvent } from "@tasker/contracts";
import { type Condition, type Decision, RUN_OPEN, stackGuard } from "../decision.js";
import { activationsRecorded, isOver, isSettled, type RunState, type StackRunState } from "../run-state.js";
import { CANCELLED } from "./decide-cancel.js";

/**
 * What to do with the calls a stack run left behind when it ended (its task returned or failed while
 * calls it made had not settled): each is cancelled — `stack.failed` with `CANCELLED` (name
 * `CancelledError`), after a `warn` line in the caller's log naming it (service, method path, seq) —
 * and so, below a cancelled call that is a task already under way, are its own unsettled calls, all
 * the way down, so that nothing runs on for a caller that is gone. Each is settled under its own
 * guard at the activations recorded of it (`activationsRecorded`), so that an activation of it
 * recorded meanwhile and the cancel exclude each other, while the run is open; a cancelled call's
 * result that arrives later is ignored (it is settled already).
 *
 * `state` is the run after the ended stack run's own events (its calls made and its settlement);
 * `at` the time of the lines (epoch ms). Null when nothing is left to cancel, the stack run has not
 * settled, or the run ended. Pure.
 */
export function cancelOrphans(state: RunState, stackRunId: string, at: number): Decision | null {
  const ended = state.stackRuns.get(stackRunId);
  if (state.ended || !ended || !isSettled(ended)) return null;
  const callsOf = unsettledCallsByCaller(state);
  const events: TaskerEvent[] = [];
  const expected: Condition[] = [];
  const time = new Date(at).toISOString();
  const cancel = (caller: StackRunState, why: Why): void => {
    for (const call of callsOf.get(caller.stackRunId) ?? []) {
      const name = `${[call.service, ...call.method].join(".")} (call ${call.seq})`;
      events.push(
        { type: "log.appended", data: { stackRunId: caller.stackRunId, level: "warn", message: `${name} was still pending when ${why.when}; it is cancelled and its result ignored`, at: time } },
        { type: "stack.failed", data: { stackRunId: call.stackRunId, error: { code: CANCELLED, name: "CancelledError", message: `${name} was cancelled: ${why.caller} before it settled` } } },
      );
      expected.push({ guard: stackGuard(call.stackRunId), version: activationsRecorded(call) });
      cancel(call, CALLER_CANCELLED);
    }
  };
  cancel(ended, ended.status === "completed" ? CALLER_RETURNED : CALLER_FAILED);
  return events.length === 0 ? null : { expected: [...expected, RUN_OPEN], events };
}

type Why = { readonly when: string; readonly caller: string };
const CALLER_RETURNED: Why = { when: "the task returned", caller: "its caller returned" };
const CALLER_FAILED: Why = { when: "the task failed", caller: "its caller failed" };
const CALLER_CANCELLED: Why = { when: "the task was cancelled", caller: "its caller was cancelled" };

/** The calls not yet over of each stack run, in seq order. */
function unsettledCallsByCaller(state: RunState): Map<string, StackRunState[]> {
  const calls = new Map<string, StackRunState[]>();
  for (const run of state.stackRuns.values()) {
    if (run.parentStackRunId === null || isOver(run)) continue;
    const siblings = calls.get(run.parentStackRunId) ?? [];
    siblings.push(run);
    calls.set(run.parentStackRunId, siblings);
  }
  for (const siblings of calls.values()) siblings.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  return calls;
}
