import type { TaskerEvent } from "@tasker/contracts";
import { type Condition, type Decision, RUN_OPEN, stackGuard } from "../decision.js";
import { isOver, type RunState } from "../run-state.js";

/**
 * Answers waits with the signals kept for them: for each name, the oldest waits not answered
 * (`tools.signals.wait`, in the order they were made) receive the oldest signals not yet given, one
 * each, in one append (`stack.completed` with the payload), each under its wait's guard at 0 (a
 * timeout or cancel of the same wait excludes it), while the run is open. So every signal is
 * delivered once, in order per name, whoever decides; a wait's timeout takes no signal. Null when
 * nothing can be answered. Pure.
 */
export function decideSignals(state: RunState): Decision | null {
  if (state.ended || state.signals.size === 0) return null;
  const waiting = new Map<string, string[]>();
  for (const run of state.stackRuns.values()) {
    if (run.signalName === null || isOver(run) || !state.signals.has(run.signalName)) continue;
    waiting.set(run.signalName, [...(waiting.get(run.signalName) ?? []), run.stackRunId]);
  }
  const events: TaskerEvent[] = [];
  const expected: Condition[] = [];
  for (const [name, waits] of waiting) {
    const queue = state.signals.get(name)!;
    const kept = queue.payloads.slice(queue.delivered);
    for (let i = 0; i < Math.min(kept.length, waits.length); i++) {
      events.push({ type: "stack.completed", data: { stackRunId: waits[i]!, result: kept[i]! } });
      expected.push({ guard: stackGuard(waits[i]!), version: 0 });
    }
  }
  return events.length === 0 ? null : { expected: [...expected, RUN_OPEN], events };
}
