import type { Consumer, JsMsg } from "@nats-io/jetstream";

/** How long a read of the stream waits for a message before it takes what it read as complete. */
const QUIET_MS = 1000;
const BATCH = 256;

/**
 * The messages `consumer` (an ordered consumer from the start of its filter) delivers, up to the
 * last one stored when the read began, in stream order; ends at once when there is none.
 */
export async function* storedMessages(consumer: Consumer): AsyncGenerator<JsMsg> {
  for (;;) {
    const batch = await consumer.fetch({ max_messages: BATCH, expires: QUIET_MS });
    let last: JsMsg | undefined;
    for await (const msg of batch) {
      last = msg;
      yield msg;
      if (msg.info.pending === 0) return;
    }
    if (last === undefined) return;
  }
}
