import type { RecordedEvent } from "@tasker/contracts";
import { contextOf, SpanKind, type SpanSpec } from "@tasker/telemetry";

/** What both spans of a message say (messaging conventions): NATS, the subject, the event it carries. */
function messageAttributes(event: RecordedEvent, subject: string, operation: "send" | "process") {
  return {
    "messaging.system": "nats",
    "messaging.operation.type": operation,
    "messaging.destination.name": subject,
    "messaging.message.id": event.metadata.eventId,
    "tasker.event.type": event.type,
    ...(event.metadata.correlationId !== null && { "tasker.task_run.id": event.metadata.correlationId }),
  };
}

/** Span `publish <event type>` (PRODUCER), under the span that wrote the event (its `traceparent`); none for an event of no trace. */
export function publishSpan(event: RecordedEvent, subject: string): SpanSpec {
  const { traceparent } = event.metadata;
  return { kind: SpanKind.PRODUCER, parent: traceparent ? contextOf(traceparent) : null, attributes: messageAttributes(event, subject, "send") };
}

/**
 * Span `consume <event type>` (CONSUMER) of a handler's work on a message, under the span its
 * `traceparent` header names (the writer's); none for a message of no trace. `consumer`: the durable.
 */
export function consumeSpan(event: RecordedEvent, subject: string, traceparent: string | undefined, consumer: string): SpanSpec {
  return {
    kind: SpanKind.CONSUMER,
    parent: traceparent ? contextOf(traceparent) : null,
    attributes: { ...messageAttributes(event, subject, "process"), "messaging.consumer.group.name": consumer },
  };
}
