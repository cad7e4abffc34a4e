import { jetstream } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { type RecordedEvent, subjectOf } from "@tasker/contracts";
import { withSpan } from "@tasker/telemetry";
import { encodeEventMessage } from "./event-message.js";
import { maxPayloadOf } from "./max-payload.js";
import { publishSpan } from "./message-spans.js";

/**
 * Publishes recorded events to their subjects over `connection`'s JetStream. An event too large for
 * the server's `max_payload` (read at each publish: it is the current server's) travels by reference
 * (see `encodeEventMessage`); its receivers read it from the event store.
 */
export function jetStreamPublisher(connection: NatsConnection, prefix: string, timeoutMs = 5000) {
  const js = jetstream(connection);
  /** Publishes `event` with `msgID` as its `Nats-Msg-Id`; false when JetStream dropped it as a repeat of that id. */
  async function publishAs(event: RecordedEvent, msgID: string): Promise<boolean> {
    const subject = subjectOf(prefix, event);
    return withSpan(`publish ${event.type}`, () => publishSpan(event, subject), async () => {
      const { data, headers } = encodeEventMessage(event, maxPayloadOf(connection));
      const ack = await js.publish(subject, data, { msgID, headers, timeout: timeoutMs });
      return !ack.duplicate;
    });
  }
  return {
    /** Publishes `event` once: its event id is the `Nats-Msg-Id`, so repeats are dropped. */
    async publish(event: RecordedEvent): Promise<void> {
      await publishAs(event, event.metadata.eventId);
    },
    publishAs,
  };
}
