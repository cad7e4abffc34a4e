import { newId, type RecordedEvent, runStreamId } from "@tasker/contracts";

/** A valid recorded event of a new run; a `stack.created` is a call to `service` with `args`. */
export function sampleEvent(type: "stack.created" | "stack.completed", service = "gapi", args: unknown[] = [{}]): RecordedEvent {
  const taskRunId = newId();
  const stackRunId = newId();
  const data =
    type === "stack.created"
      ? { stackRunId, parentStackRunId: newId(), seq: 0, service, method: ["admin", "domains", "list"], args, depth: 1, taskVersion: null }
      : { stackRunId, result: { ok: true } };
  return {
    type,
    data,
    metadata: {
      eventId: newId(),
      streamId: runStreamId(taskRunId),
      streamVersion: 1,
      position: 1,
      recordedAt: new Date().toISOString(),
      traceparent: null,
      causationId: null,
      correlationId: taskRunId,
    },
  } as RecordedEvent;
}
