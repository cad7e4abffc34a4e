import type { NewEvent, TaskerEvent } from "@tasker/contracts";
import type { Condition, Decision } from "./decision.js";
import { foldRun } from "./evolve.js";
import type { RunState } from "./run-state.js";
import { decideWakes } from "./wakes.js";

/**
 * The decisions a writer about to append `events` to the run can take in the same append: exactly
 * those the rules would take on each of those events once recorded (`whatWakes` → `decideWake`, on
 * the state after all of them), as the stack-processor would a hop later. The executor records an
 * activation with its follow-ups this way (the run's end with the root's outcome, a held parent's
 * resume, a resume with the results of calls refused at once); whichever of it and the
 * stack-processor appends first wins on the decisions' guards. `state` is the run up to some version;
 * the events need no metadata (the rules read only their type and data); `at` as for `decideWake`.
 */
export function followUps(state: RunState, events: readonly TaskerEvent[], at: number): Decision[] {
  return state.taskRunId === null ? [] : decideWakes(foldRun(events, state), events, at);
}

/**
 * Whether `appended`, the events of one append on `state` (its follow-ups' included), leave the rules
 * nothing to decide: on the run as the append leaves it, no wake of theirs calls for a decision, as
 * the stack-processor would find on handling each. A follow-up left out is still due; so is one a
 * follow-up's own event calls for (a kept signal answers a wait: the answer resumes the waiting task).
 * What `markDecided` may then claim. `at` as for `decideWake`. `state` may be the initial one when
 * `appended` starts the run (its `run.submitted` first): false for a run none of it names.
 */
export function decidesNothingMore(state: RunState, appended: readonly TaskerEvent[], at: number): boolean {
  const after = foldRun(appended, state);
  return after.taskRunId !== null && decideWakes(after, appended, at).length === 0;
}

/**
 * `events`, about to be appended in one append on a state folded through stream `version` that
 * leaves the rules nothing to decide on them (`decidesNothingMore`), each marked with the stream version it gets when the stream is still at `version` (that
 * of that state) when the append lands: the stack-processor then has
 * nothing to decide on them (`awaitsDecision`). When another writer appended first, the marks do not
 * match the versions the events get, and the stack-processor decides as for any event.
 */
export function markDecided(events: readonly NewEvent[], version: number): NewEvent[] {
  return events.map((event, index) => ({ ...event, metadata: { ...event.metadata, decidedAt: version + index + 1 } }));
}

/**
 * The conditions of one append that records events under `own` together with their follow-up
 * `decisions`. A follow-up is stated on the state after the events, so on a guard that `own` moves it
 * expects the moved version: that holds by construction and is dropped. On a guard `own` only
 * checks, a follow-up that moves it (the run's end on `run`) replaces the check. Counts add up.
 */
export function combinedConditions(own: readonly Condition[], decisions: readonly Decision[]): Condition[] {
  const combined = [...own];
  const byGuard = new Map(own.flatMap((condition) => ("guard" in condition ? [[condition.guard, condition] as const] : [])));
  for (const condition of decisions.flatMap((decision) => decision.expected)) {
    if (!("guard" in condition)) {
      combined.push(condition);
      continue;
    }
    const mine = byGuard.get(condition.guard);
    if (mine === undefined) {
      combined.push(condition);
      byGuard.set(condition.guard, condition);
      continue;
    }
    // What `own` leaves the guard at is what the follow-up must expect.
    const after = mine.check ? mine.version : mine.version + 1;
    if (condition.version !== after || (!mine.check && !condition.check)) {
      throw new Error(`a follow-up expects ${condition.guard} at ${condition.version}${condition.check ? "" : " to move it"}, but the append leaves it at ${after}`);
    }
    if (mine.check && !condition.check) {
      combined[combined.indexOf(mine)] = condition;
      byGuard.set(condition.guard, condition);
    }
  }
  return combined;
}
