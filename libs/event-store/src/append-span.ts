import type { NewEvent } from "@tasker/contracts";
import { SpanKind, type SpanSpec } from "@tasker/telemetry";

/**
 * The span of one append (database conventions; its statement's span, from the `pg`
 * instrumentation, is its child): the stream, how many events, their types. Only under a span.
 */
export function appendSpan(streamId: string, events: readonly NewEvent[]): SpanSpec {
  return {
    kind: SpanKind.CLIENT,
    requireParent: true,
    attributes: {
      "db.system.name": "postgresql",
      "db.operation.name": "append",
      "db.collection.name": "events",
      "tasker.stream.id": streamId,
      "tasker.event.count": events.length,
      "tasker.event.types": [...new Set(events.map((event) => event.type))],
    },
  };
}
