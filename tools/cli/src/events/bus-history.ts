import { DeliverPolicy, jetstream } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { decodeEventMessage, eventStreamName, type LoadEvent } from "@tasker/bus";
import { type RecordedEvent, runHistoryFilter } from "@tasker/contracts";
import { storedMessages } from "./stored-messages.js";

/**
 * A run's events as the JetStream stream `<prefix>_events` holds them (subjects
 * `<prefix>.run.<taskRunId>.>`, what `nats stream view` shows), in stream order, each decoded as
 * consumers decode it (an event carried by reference is read from the store through `loadEvent`).
 * The stream's `max_age` bounds how far back this reaches. `follow`: keeps reading live messages
 * until the run's end (`run.completed`, `run.failed`, `run.cancelled`) has been yielded; otherwise it
 * ends at the last message stored when the read began.
 */
export async function* busHistory(nats: NatsConnection, prefix: string, taskRunId: string, loadEvent: LoadEvent, follow: boolean, endsRun: (event: RecordedEvent) => boolean): AsyncGenerator<RecordedEvent> {
  const consumer = await jetstream(nats).consumers.get(eventStreamName(prefix), {
    filter_subjects: runHistoryFilter(prefix, taskRunId), // one subject: NATS before 2.10 takes no list
    deliver_policy: DeliverPolicy.All,
  });
  if (follow) {
    const messages = await consumer.consume();
    try {
      for await (const msg of messages) {
        const event = await decodeEventMessage(msg, loadEvent);
        yield event;
        if (endsRun(event)) return;
      }
    } finally {
      await messages.close();
    }
    return;
  }
  for await (const msg of storedMessages(consumer)) yield await decodeEventMessage(msg, loadEvent);
}
