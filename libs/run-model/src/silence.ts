import type { RecordedEvent, RunCancelled, RunCompleted, RunFailed, TaskerEvent } from "@tasker/contracts";
import type { RunState } from "./run-state.js";

/**
 * `RunState.silentThrough` after `event`: the stream version through which every event was folded
 * and none was a `log.appended`; null from the first log line on, or from an event that came after a
 * gap (the state can no longer tell). A decided event (no `streamVersion` yet: it is about to be
 * appended right after the state's events) counts one version; a recorded event already covered
 * changes nothing.
 */
export function silenceAfter(silentThrough: number | null, event: RecordedEvent | TaskerEvent): number | null {
  if (silentThrough === null || event.type === "log.appended") return null;
  const version = "metadata" in event ? event.metadata?.streamVersion : undefined;
  if (typeof version !== "number") return silentThrough + 1;
  if (version <= silentThrough) return silentThrough;
  return version === silentThrough + 1 ? version : null;
}

/**
 * Whether the run that `end` ended logged nothing at all: the state its end was decided on had seen
 * every event before the end, none of them a log line (`silentThrough` is the end's version minus
 * one), and nothing of a run is recorded after its end (every writer rests on `RUN_OPEN`). False when
 * the end does not tell (an end recorded before `silentThrough`, or decided on a state that had not
 * seen everything), which is not to say the run logged.
 */
export function loggedNothing(end: RecordedEvent<RunCompleted | RunFailed | RunCancelled>): boolean {
  return end.data.silentThrough === end.metadata.streamVersion - 1;
}

/** The `silentThrough` a run's end decided on `state` carries: none when the state saw a log line or cannot tell. */
export function silentThroughField(state: RunState): { silentThrough?: number } {
  return state.silentThrough === null ? {} : { silentThrough: state.silentThrough };
}
