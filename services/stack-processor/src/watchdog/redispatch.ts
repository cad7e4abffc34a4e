import type { JetStreamClient } from "@nats-io/jetstream";
import { encodeEventMessage } from "@tasker/bus";
import { type RecordedEvent, subjectOf } from "@tasker/contracts";

/**
 * Publishes a recorded event again, to its own subject, for consumers that lost it (by reference when
 * it is large, as the outbox sends it). The message id is `<eventId>:after:<lastSeq>`, `lastSeq` being
 * the stream sequence of the copy that was lost: the event id alone would be dropped by JetStream's
 * duplicate window, and watchdogs of several instances that find the same copy lost send one message
 * between them. Returns false when JetStream dropped it as such a duplicate.
 */
export async function redispatch(js: JetStreamClient, prefix: string, event: RecordedEvent, lastSeq: number, maxPayloadBytes: number): Promise<boolean> {
  const { data, headers } = encodeEventMessage(event, maxPayloadBytes);
  const ack = await js.publish(subjectOf(prefix, event), data, { msgID: `${event.metadata.eventId}:after:${lastSeq}`, headers });
  return !ack.duplicate;
}
