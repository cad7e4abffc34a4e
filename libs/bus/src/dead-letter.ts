import type { JetStreamClient, JsMsg } from "@nats-io/jetstream";
import { headers } from "@nats-io/nats-core";
import type { TaskerErrorInfo } from "@tasker/contracts";
import { PAYLOAD_MARGIN_BYTES } from "./event-message.js";

/** Where a service's messages go when they keep failing: kept in the event stream, never consumed by handlers. */
export function deadLetterSubject(prefix: string, service: string): string {
  return `${prefix}.dlq.${service}`;
}

/** What a dead letter holds: the original message, and why it was given up on. */
export interface DeadLetter {
  subject: string;
  deliveries: number;
  error: TaskerErrorInfo;
  /**
   * The message as the bus carried it (for an event sent by reference: the event without its data),
   * or only its start when the whole would make the dead letter too large for the bus.
   */
  payload: string;
  /** Set when `payload` is only the start of the message. */
  payloadTruncated?: true;
}

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value));
}

/** The longest start of `text` (give or take) whose JSON string takes at most `maxBytes`. */
function prefixFitting(text: string, maxBytes: number): string {
  let length = Math.min(text.length, Math.max(0, maxBytes));
  for (let bytes = jsonBytes(text.slice(0, length)); length > 0 && bytes > maxBytes; bytes = jsonBytes(text.slice(0, length))) {
    length = Math.min(length - 1, Math.floor((length * maxBytes) / bytes));
  }
  return text.slice(0, length);
}

/**
 * `letter` as it fits in `maxBytes` of JSON: whole when it fits; otherwise with its payload cut to
 * a start (and flagged), and its error message cut too if even that alone would not fit. A dead
 * letter the bus refused would leave its message to be given up on again and again.
 */
export function boundDeadLetter(letter: DeadLetter, maxBytes: number): DeadLetter {
  if (jsonBytes(letter) <= maxBytes) return letter;
  let bounded: DeadLetter = { ...letter, payload: "", payloadTruncated: true };
  const overflow = jsonBytes(bounded) - maxBytes;
  if (overflow > 0) {
    const { message } = letter.error;
    bounded = { ...bounded, error: { ...letter.error, message: prefixFitting(message, jsonBytes(message) - overflow) } };
  }
  const room = maxBytes - jsonBytes(bounded) + jsonBytes("");
  return { ...bounded, payload: prefixFitting(letter.payload, room) };
}

/** Publishes `msg`'s dead letter, sized for a server that accepts messages of `maxPayloadBytes`. */
export async function sendToDeadLetter(js: JetStreamClient, subject: string, msg: JsMsg, error: TaskerErrorInfo, maxPayloadBytes: number): Promise<void> {
  const letter: DeadLetter = { subject: msg.subject, deliveries: msg.info.deliveryCount, error, payload: msg.string() };
  const carried = headers();
  carried.set("Tasker-Error-Code", error.code);
  await js.publish(subject, JSON.stringify(boundDeadLetter(letter, maxPayloadBytes - PAYLOAD_MARGIN_BYTES)), {
    headers: carried,
    msgID: `dlq:${msg.info.stream}:${msg.seq}`,
  });
}
