import type { JetStreamClient } from "@nats-io/jetstream";
import { headers } from "@nats-io/nats-core";
import { type RecordedEvent, subjectOf } from "@tasker/contracts";

/**
 * Publishes a recorded event again, to its own subject, for consumers that missed it. The message id
 * is `<eventId>:redispatch:<round>`: the event id alone would be dropped by JetStream's duplicate
 * window, and instances that redispatch the same event in the same round send one message between them.
 * Returns false when JetStream dropped it as such a duplicate.
 */
export async function redispatch(js: JetStreamClient, prefix: string, event: RecordedEvent, round: number): Promise<boolean> {
  const carried = headers();
  if (event.metadata.traceparent) carried.set("traceparent", event.metadata.traceparent);
  const ack = await js.publish(subjectOf(prefix, event), JSON.stringify(event), {
    msgID: `${event.metadata.eventId}:redispatch:${round}`,
    headers: carried,
  });
  return !ack.duplicate;
}
