import type { JetStreamClient } from "@nats-io/jetstream";
import { headers } from "@nats-io/nats-core";
import { type RecordedEvent, subjectOf } from "@tasker/contracts";

/** Publishes recorded events to their subjects; the event id is the `Nats-Msg-Id`, so repeats are dropped. */
export function jetStreamPublisher(js: JetStreamClient, prefix: string, timeoutMs = 5000) {
  return {
    async publish(event: RecordedEvent): Promise<void> {
      const carried = headers();
      if (event.metadata.traceparent) carried.set("traceparent", event.metadata.traceparent);
      await js.publish(subjectOf(prefix, event), JSON.stringify(event), {
        msgID: event.metadata.eventId,
        headers: carried,
        timeout: timeoutMs,
      });
    },
  };
}
