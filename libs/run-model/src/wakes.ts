import { decidedByItsWriter, type RecordedEvent, type TaskerEvent } from "@tasker/contracts";
import { type Decision, RUN_GUARD } from "./decision.js";
import { cancelOrphans } from "./decisions/cancel-orphans.js";
import { decideCancel } from "./decisions/decide-cancel.js";
import { decideResume } from "./decisions/decide-resume.js";
import { decideRunEnd } from "./decisions/decide-run-end.js";
import { decideSignals } from "./decisions/decide-signals.js";
import { isOver, type RunState } from "./run-state.js";

/**
 * A decision an event calls for. `settled`: a stack run completed or failed — its parent may resume,
 * or, for the root, the run ends (which one needs the state: the event does not name the parent);
 * `orphans`: the calls it left pending are cancelled (`cancelOrphans`); `signals`: a signal arrived
 * or a wait for one was made — waits may be answered (`decideSignals`).
 */
export type Wake =
  | { readonly kind: "orphans"; readonly stackRunId: string }
  | { readonly kind: "settled"; readonly stackRunId: string }
  | { readonly kind: "suspended"; readonly stackRunId: string }
  | { readonly kind: "signals" }
  | { readonly kind: "cancel-requested"; readonly reason: string | null };

/**
 * Which decisions `event` calls for, from the event alone (no state): empty for most events (logs,
 * created calls, resumes), so a consumer can let them pass without reading the run.
 */
export function whatWakes(event: TaskerEvent): Wake[] {
  switch (event.type) {
    case "stack.completed":
    case "stack.failed":
      return [
        { kind: "orphans", stackRunId: event.data.stackRunId },
        { kind: "settled", stackRunId: event.data.stackRunId },
      ];
    case "vm.suspended":
      return [{ kind: "suspended", stackRunId: event.data.stackRunId }];
    case "run.cancel-requested":
      return [{ kind: "cancel-requested", reason: event.data.reason }];
    case "signal.received":
      return [{ kind: "signals" }];
    case "stack.created":
      return event.data.service === "signals" ? [{ kind: "signals" }] : [];
    case "run.submitted":
    case "run.completed":
    case "run.failed":
    case "run.cancelled":
    case "stack.started":
    case "stack.retrying":
    case "vm.resumed":
    case "resume.requested":
    case "log.appended":
    case "task.published":
      return [];
    default: {
      const unexpected: never = event;
      throw new Error(`whatWakes: unknown event ${(unexpected as { type: string }).type}`);
    }
  }
}

/**
 * Whether the rules may have something to decide on recorded `event`, for the stack-processor to
 * read the run for: it wakes some rule (`whatWakes`), and its writer did not take every decision due
 * in the same append on the run just as it was before (it marks that with `markDecided`; the mark
 * holds only when the event got the version its writer expected, so no other writer came between).
 */
export function awaitsDecision(event: RecordedEvent): boolean {
  return !decidedByItsWriter(event.metadata) && whatWakes(event).length > 0;
}

/**
 * The decision a wake calls for, in `state` (which already includes the waking event), or null. `at`:
 * the time of the decision (epoch ms), that of the log lines it writes.
 */
export function decideWake(state: RunState, wake: Wake, at: number): Decision | null {
  switch (wake.kind) {
    case "orphans":
      return cancelOrphans(state, wake.stackRunId, at);
    case "settled": {
      const parent = state.stackRuns.get(wake.stackRunId)?.parentStackRunId;
      if (parent === undefined) return null;
      return parent === null ? decideRunEnd(state) : decideResume(state, parent);
    }
    case "suspended":
      return decideResume(state, wake.stackRunId);
    case "cancel-requested":
      return decideCancel(state, wake.reason);
    case "signals":
      return decideSignals(state);
    default: {
      const unexpected: never = wake;
      throw new Error(`decideWake: unknown wake ${(unexpected as { kind: string }).kind}`);
    }
  }
}

/**
 * The decisions the wakes of `events` call for, on `state` (which already includes them), each once,
 * the run's end last (the others rest on the run being open): what the stack-processor decides when
 * it handles those events. `at` as for `decideWake`.
 */
export function decideWakes(state: RunState, events: readonly TaskerEvent[], at: number): Decision[] {
  const decisions: Decision[] = [];
  const seen = new Set<string>();
  for (const wake of events.flatMap(whatWakes)) {
    const decision = decideWake(state, wake, at);
    const key = decision && JSON.stringify(decision.expected);
    if (decision && !seen.has(key!)) {
      seen.add(key!);
      decisions.push(decision);
    }
  }
  return [...decisions.filter((decision) => !endsRun(decision)), ...decisions.filter(endsRun)];
}

/** Whether a decision ends the run: it moves the run's guard. */
function endsRun(decision: Decision): boolean {
  return decision.expected.some((condition) => "guard" in condition && condition.guard === RUN_GUARD && !condition.check);
}

/**
 * Every decision still due in `state`, whatever event was missed: a cancel asked for; else the
 * cancels of the calls that settled stack runs left pending, then the run's end, or the waits that
 * kept signals answer and the resume of each suspended stack run. What a watchdog applies to a run that stopped moving. `at` as for `decideWake`.
 */
export function decideAll(state: RunState, at: number): Decision[] {
  const cancel = state.cancelRequested && !decideRunEnd(state) ? decideCancel(state, state.cancelRequested.reason) : null;
  if (cancel) return [cancel];
  const callers = new Set([...state.stackRuns.values()].flatMap((run) => (run.parentStackRunId !== null && !isOver(run) ? [run.parentStackRunId] : [])));
  const orphans = [...callers].flatMap((stackRunId) => cancelOrphans(state, stackRunId, at) ?? []);
  const end = decideRunEnd(state);
  if (end) return [...orphans, end];
  const signals = decideSignals(state);
  return [...orphans, ...(signals ? [signals] : []), ...[...state.stackRuns.keys()].flatMap((stackRunId) => decideResume(state, stackRunId) ?? [])];
}
