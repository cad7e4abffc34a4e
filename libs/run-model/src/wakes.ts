import type { TaskerEvent } from "@tasker/contracts";
import type { Decision } from "./decision.js";
import { decideCancel } from "./decisions/decide-cancel.js";
import { decideResume } from "./decisions/decide-resume.js";
import { decideRunEnd } from "./decisions/decide-run-end.js";
import type { RunState } from "./run-state.js";

/**
 * A decision an event calls for. `settled`: a stack run completed or failed — its parent may resume,
 * or, for the root, the run ends (which one needs the state: the event does not name the parent).
 */
export type Wake =
  | { readonly kind: "settled"; readonly stackRunId: string }
  | { readonly kind: "suspended"; readonly stackRunId: string }
  | { readonly kind: "cancel-requested"; readonly reason: string | null };

/**
 * Which decisions `event` calls for, from the event alone (no state): empty for most events (logs,
 * created calls, resumes), so a consumer can let them pass without reading the run.
 */
export function whatWakes(event: TaskerEvent): Wake[] {
  switch (event.type) {
    case "stack.completed":
    case "stack.failed":
      return [{ kind: "settled", stackRunId: event.data.stackRunId }];
    case "vm.suspended":
      return [{ kind: "suspended", stackRunId: event.data.stackRunId }];
    case "run.cancel-requested":
      return [{ kind: "cancel-requested", reason: event.data.reason }];
    case "run.submitted":
    case "run.completed":
    case "run.failed":
    case "run.cancelled":
    case "stack.created":
    case "stack.started":
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

/** The decision a wake calls for, in `state` (which already includes the waking event), or null. */
export function decideWake(state: RunState, wake: Wake): Decision | null {
  switch (wake.kind) {
    case "settled": {
      const parent = state.stackRuns.get(wake.stackRunId)?.parentStackRunId;
      if (parent === undefined) return null;
      return parent === null ? decideRunEnd(state) : decideResume(state, parent);
    }
    case "suspended":
      return decideResume(state, wake.stackRunId);
    case "cancel-requested":
      return decideCancel(state, wake.reason);
    default: {
      const unexpected: never = wake;
      throw new Error(`decideWake: unknown wake ${(unexpected as { kind: string }).kind}`);
    }
  }
}

/**
 * The decisions the wakes of `events` call for, on `state` (which already includes them), each once:
 * what the stack-processor decides when it handles those events.
 */
export function decideWakes(state: RunState, events: readonly TaskerEvent[]): Decision[] {
  const decisions: Decision[] = [];
  const seen = new Set<string>();
  for (const wake of events.flatMap(whatWakes)) {
    const decision = decideWake(state, wake);
    const key = decision && JSON.stringify(decision.expected);
    if (decision && !seen.has(key!)) {
      seen.add(key!);
      decisions.push(decision);
    }
  }
  return decisions;
}

/**
 * Every decision still due in `state`, whatever event was missed: the run's end (or its cancel), else
 * the resume of each suspended stack run. What a watchdog applies to a run that stopped moving.
 */
export function decideAll(state: RunState): Decision[] {
  const end = decideRunEnd(state) ?? (state.cancelRequested ? decideCancel(state, state.cancelRequested.reason) : null);
  if (end) return [end];
  return [...state.stackRuns.keys()].flatMap((stackRunId) => decideResume(state, stackRunId) ?? []);
}
