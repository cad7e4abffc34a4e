import { DeliverPolicy, jetstream, type JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { type DeadLetter, deadLetterSubject, eventStreamName } from "@tasker/bus";
import { runOfSubject } from "@tasker/contracts";
import { storedMessages } from "../events/stored-messages.js";

const MSG_ID = "Nats-Msg-Id";

/** A dead letter as the stream `<prefix>_events` holds it. */
export interface StoredDeadLetter {
  /** Its sequence in the stream: what `tasker dlq replay` takes. */
  id: number;
  /** When it was written (ISO-8601). */
  at: string;
  /** The service whose consumer gave up on the message (from the subject `<prefix>.dlq.<service>`). */
  service: string;
  /** The task run the original message is about, when its subject names one. */
  taskRunId: string | undefined;
  letter: DeadLetter;
  /** Its `Nats-Msg-Id`: `dlq:<stream>:<seq of the original message>`. */
  msgId: string | undefined;
}

/** What a dead letter is read from: a `JsMsg` or a `StoredMsg`, by the fields both have. */
interface StoredMessage {
  seq: number;
  subject: string;
  time: Date;
  text: string;
  msgId: string | undefined;
}

function asDeadLetter(prefix: string, msg: StoredMessage): StoredDeadLetter {
  const letter = JSON.parse(msg.text) as DeadLetter;
  return {
    id: msg.seq,
    at: msg.time.toISOString(),
    service: msg.subject.slice(deadLetterSubject(prefix, "").length),
    taskRunId: runOfSubject(letter.subject),
    letter,
    msgId: msg.msgId || undefined,
  };
}

/** Every dead letter under `prefix` (of `service` only, when given), oldest first. */
export async function* storedDeadLetters(nats: NatsConnection, prefix: string, service?: string): AsyncGenerator<StoredDeadLetter> {
  const consumer = await jetstream(nats).consumers.get(eventStreamName(prefix), {
    filter_subjects: deadLetterSubject(prefix, service ?? ">"),
    deliver_policy: DeliverPolicy.All,
  });
  for await (const msg of storedMessages(consumer)) {
    yield asDeadLetter(prefix, { seq: msg.seq, subject: msg.subject, time: msg.time, text: msg.string(), msgId: msg.headers?.get(MSG_ID) });
  }
}

/** The dead letter with stream sequence `id`; undefined when that message is gone or is not a dead letter. */
export async function storedDeadLetter(jsm: JetStreamManager, prefix: string, id: number): Promise<StoredDeadLetter | undefined> {
  const msg = await jsm.streams.getMessage(eventStreamName(prefix), { seq: id });
  if (msg === null || !msg.subject.startsWith(deadLetterSubject(prefix, ""))) return undefined;
  return asDeadLetter(prefix, { seq: msg.seq, subject: msg.subject, time: msg.time, text: msg.string(), msgId: msg.header.get(MSG_ID) });
}
