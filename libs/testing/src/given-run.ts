import { newId, type NewEvent, type RecordedEvent, runStreamId, type TaskerEvent } from "@tasker/contracts";
import { type Decision, foldRun, type RunState } from "@tasker/run-model";
import { expect } from "vitest";

/** Records `events` as the store would, in one run's stream (of their metadata, a writer's `decidedAt` is kept). */
export function record(taskRunId: string, events: readonly NewEvent[], fromVersion = 1): RecordedEvent[] {
  return events.map((event, index) => ({
    ...event,
    metadata: {
      ...(event.metadata?.decidedAt === undefined ? {} : { decidedAt: event.metadata.decidedAt }),
      eventId: newId(),
      streamId: runStreamId(taskRunId),
      streamVersion: fromVersion + index,
      position: fromVersion + index,
      recordedAt: new Date(0).toISOString(),
      traceparent: null,
      causationId: null,
      correlationId: taskRunId,
    },
  })) as RecordedEvent[];
}

/** `given([events]).when(rule).then([events], guard)`: a rule's decision on the fold of a history. */
export function given(taskRunId: string, history: readonly (TaskerEvent | RecordedEvent)[]) {
  const recorded = history.map((event, index) =>
    "metadata" in event ? { ...event, metadata: { ...event.metadata, streamVersion: index + 1 } } : record(taskRunId, [event], index + 1)[0]!,
  ) as RecordedEvent[];
  const state = foldRun(recorded);
  return {
    state,
    when(rule: (state: RunState) => Decision | null) {
      const decision = rule(state);
      return {
        decision,
        then(events: readonly TaskerEvent[], expected?: Decision["expected"]) {
          expect(decision?.events).toEqual(events);
          if (expected) expect(decision?.expected).toEqual(expected);
        },
        thenNothing() {
          expect(decision).toBeNull();
        },
      };
    },
  };
}
