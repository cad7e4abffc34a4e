import { jetstream } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { type RecordedEvent, subjectOf } from "@tasker/contracts";
import { encodeEventMessage } from "./event-message.js";
import { maxPayloadOf } from "./max-payload.js";

/**
 * Publishes recorded events to their subjects over `connection`'s JetStream; the event id is the
 * `Nats-Msg-Id`, so repeats are dropped. An event too large for the server's `max_payload` (read at
 * each publish: it is the current server's) travels by reference (see `encodeEventMessage`); its
 * receivers read it from the event store.
 */
export function jetStreamPublisher(connection: NatsConnection, prefix: string, timeoutMs = 5000) {
  const js = jetstream(connection);
  return {
    async publish(event: RecordedEvent): Promise<void> {
      const { data, headers } = encodeEventMessage(event, maxPayloadOf(connection));
      await js.publish(subjectOf(prefix, event), data, { msgID: event.metadata.eventId, headers, timeout: timeoutMs });
    },
  };
}
