import type { TaskerEvent } from "@tasker/contracts";
import { type Condition, type Decision, RUN_OPEN, stackGuard } from "../decision.js";
import { isOver, isSettled, type RunState, stackGuardVersion } from "../run-state.js";
import { CANCELLED } from "./decide-cancel.js";

/**
 * What to do with the calls a stack run left behind when it ended (its task returned or failed, or it
 * was itself cancelled, while calls it made had not settled): each is cancelled — `stack.failed` with
 * `CANCELLED` (name `CancelledError`), after a `warn` line in the caller's log naming it (service,
 * method path, seq). A cancelled call that is a task under way ends so in turn, and its own calls are
 * cancelled by this rule again (its `settled` wake), level by level: so nothing runs on for a caller
 * that is gone, and no append has to hold a whole busy subtree still. Each call is settled under its
 * own guard where it is (`stackGuardVersion`), so that an activation of it
 * recorded meanwhile and the cancel exclude each other, while the run is open; a result of it that
 * arrives later is ignored (it is settled already).
 *
 * `state` is the run after the ended stack run's own events (its calls made and its settlement); `at`
 * the time of the lines (epoch ms). Null when nothing is left to cancel, the stack run has not
 * settled, or the run ended. Pure.
 */
export function cancelOrphans(state: RunState, stackRunId: string, at: number): Decision | null {
  const ended = state.stackRuns.get(stackRunId);
  if (state.ended || !ended?.outcome || !isSettled(ended)) return null;
  const why = ended.outcome.ok ? CALLER_RETURNED : ended.outcome.error.code === CANCELLED ? CALLER_CANCELLED : CALLER_FAILED;
  const calls = [...state.stackRuns.values()].filter((run) => run.parentStackRunId === stackRunId && !isOver(run)).sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  if (calls.length === 0) return null;
  const events: TaskerEvent[] = [];
  const expected: Condition[] = [];
  const time = new Date(at).toISOString();
  for (const call of calls) {
    const name = `${[call.service, ...call.method].join(".")} (call ${call.seq})`;
    events.push(
      { type: "log.appended", data: { stackRunId, level: "warn", message: `${name} was still pending when ${why.when}; it is cancelled and its result ignored`, at: time } },
      { type: "stack.failed", data: { stackRunId: call.stackRunId, error: { code: CANCELLED, name: "CancelledError", message: `${name} was cancelled: ${why.caller} before it settled` } } },
    );
    expected.push({ guard: stackGuard(call.stackRunId), version: stackGuardVersion(call) });
  }
  return { expected: [...expected, RUN_OPEN], events };
}

type Why = { readonly when: string; readonly caller: string };
const CALLER_RETURNED: Why = { when: "the task returned", caller: "its caller returned" };
const CALLER_FAILED: Why = { when: "the task failed", caller: "its caller failed" };
const CALLER_CANCELLED: Why = { when: "the task was cancelled", caller: "its caller was cancelled" };
