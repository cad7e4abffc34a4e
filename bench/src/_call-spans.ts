import type { RecordedEvent } from "@tasker/contracts";

/** The spans of a service's calls, ms, by the recorded times of their events. */
export interface CallSpans {
  readonly createdToCompleted: number[];
  readonly createdToStarted: number[];
  readonly startedToCompleted: number[];
  /** Each call's creation and settlement times. */
  readonly first: number[];
  readonly last: number[];
}

export function emptyCallSpans(): CallSpans {
  return { createdToCompleted: [], createdToStarted: [], startedToCompleted: [], first: [], last: [] };
}

/** Each call to `service` among `events`: its spans between its `stack.created`, (last) `stack.started` and `stack.completed`. */
export function addCallSpans(spans: CallSpans, events: readonly RecordedEvent[], service: string): void {
  const at = new Map<string, { created?: number; started?: number; completed?: number }>();
  for (const event of events) {
    const time = Date.parse(event.metadata.recordedAt);
    if (event.type === "stack.created" && event.data.service === service) at.set(event.data.stackRunId, { created: time });
    const call = "stackRunId" in event.data ? at.get(event.data.stackRunId) : undefined;
    if (call && event.type === "stack.started") call.started = time;
    if (call && event.type === "stack.completed") call.completed = time;
  }
  for (const { created, started, completed } of at.values()) {
    if (created === undefined || started === undefined || completed === undefined) continue;
    spans.createdToCompleted.push(completed - created);
    spans.createdToStarted.push(started - created);
    spans.startedToCompleted.push(completed - started);
    spans.first.push(created);
    spans.last.push(completed);
  }
}
