import { jetstream, type JetStreamManager } from "@nats-io/jetstream";
import { headers, type MsgHdrs, type NatsConnection } from "@nats-io/nats-core";
import { eventStreamName, jetStreamPublisher, type LoadEvent } from "@tasker/bus";
import { EventMetadata, parseRecordedEvent, type RecordedEvent, subjectOf } from "@tasker/contracts";
import { CliError } from "../cli-error.js";
import type { StoredDeadLetter } from "./stored-dead-letters.js";

/** What a replay republished, and from where. */
export interface Replay {
  /** `stream`: the original message, still in the stream, as it was; `store`: the event read from the event store; `dead letter`: the event the dead letter holds whole. */
  source: "stream" | "store" | "dead letter";
  /** The subject it went to (the original's). */
  subject: string;
  /** True when JetStream had it already: this dead letter was replayed before, and only its removal had not been done. */
  duplicate: boolean;
}

/** The stream sequence of the message a dead letter was written for, from its `Nats-Msg-Id` (`dlq:<stream>:<seq>`). */
function originalSeq(entry: StoredDeadLetter): number | undefined {
  const seq = /^dlq:[^:]+:(\d+)$/.exec(entry.msgId ?? "")?.[1];
  return seq === undefined ? undefined : Number(seq);
}

/** Its headers but the server's own (`Nats-Msg-Id`, `Nats-Expected-*`...): the republish gets its own id. */
function carriedHeaders(stored: MsgHdrs | undefined): MsgHdrs {
  const carried = headers();
  for (const key of stored?.keys() ?? []) {
    if (key.toLowerCase().startsWith("nats-")) continue;
    for (const value of stored!.values(key)) carried.append(key, value);
  }
  return carried;
}

/** The event the dead letter's payload names (its metadata) as the store holds it, else as the payload holds it whole. */
async function eventOfPayload(entry: StoredDeadLetter, loadEvent: LoadEvent): Promise<{ event: RecordedEvent; source: Replay["source"] }> {
  const { id, letter } = entry;
  const gone = `the original message is no longer in the stream`;
  if (letter.payloadTruncated) throw new CliError(`dead letter ${id} holds only the start of its message (it was too large) and ${gone}: it cannot be replayed`);
  let payload: { metadata?: unknown };
  try {
    payload = JSON.parse(letter.payload) as { metadata?: unknown };
  } catch {
    throw new CliError(`dead letter ${id} holds a message that is not JSON, and ${gone}: it cannot be replayed`);
  }
  const metadata = EventMetadata.safeParse(payload.metadata);
  if (!metadata.success) throw new CliError(`dead letter ${id} holds a message that is not a Tasker event, and ${gone}: it cannot be replayed`);
  const { streamId, streamVersion, eventId } = metadata.data;
  const stored = await loadEvent(streamId, streamVersion);
  if (stored?.metadata.eventId === eventId) return { event: stored, source: "store" };
  try {
    return { event: parseRecordedEvent(payload), source: "dead letter" };
  } catch {
    throw new CliError(`dead letter ${id}: event ${eventId} is not in the event store, the dead letter does not hold it whole, and ${gone}: it cannot be replayed`);
  }
}

/**
 * Publishes again the message dead letter `entry` was written for, to its original subject, so that
 * its consumers handle it again; then deletes the dead letter (only once the publish was
 * acknowledged). The message is the original, bytes and headers, while the stream still holds it;
 * otherwise the event the payload names, read from the event store through `loadEvent` (or as the
 * payload holds it, when whole). Its `Nats-Msg-Id` is `replay:<stream>:<id>`: a new id, so the
 * duplicate window does not drop it, and one id per dead letter, so a replay run twice publishes once.
 * Throws `CliError` when there is nothing whole to publish.
 */
export async function replayDeadLetter(nats: NatsConnection, jsm: JetStreamManager, prefix: string, entry: StoredDeadLetter, loadEvent: LoadEvent): Promise<Replay> {
  const stream = eventStreamName(prefix);
  const msgID = `replay:${stream}:${entry.id}`;
  const seq = originalSeq(entry);
  const original = seq === undefined ? null : await jsm.streams.getMessage(stream, { seq });
  let replay: Replay;
  if (original !== null && original.subject === entry.letter.subject) {
    const ack = await jetstream(nats).publish(original.subject, original.data, { headers: carriedHeaders(original.header), msgID });
    replay = { source: "stream", subject: original.subject, duplicate: ack.duplicate };
  } else {
    const { event, source } = await eventOfPayload(entry, loadEvent);
    const published = await jetStreamPublisher(nats, prefix).publishAs(event, msgID);
    replay = { source, subject: subjectOf(prefix, event), duplicate: !published };
  }
  await jsm.streams.deleteMessage(stream, entry.id);
  return replay;
}
