import type { JetStreamClient, JsMsg } from "@nats-io/jetstream";
import { headers } from "@nats-io/nats-core";
import type { ErrorInfo } from "@tasker/contracts";

/** Where a service's messages go when they keep failing: kept in the event stream, never consumed by handlers. */
export function deadLetterSubject(prefix: string, service: string): string {
  return `${prefix}.dlq.${service}`;
}

/** What a dead letter holds: the original message, and why it was given up on. */
export interface DeadLetter {
  subject: string;
  deliveries: number;
  error: ErrorInfo;
  payload: string;
}

export async function sendToDeadLetter(js: JetStreamClient, subject: string, msg: JsMsg, error: ErrorInfo): Promise<void> {
  const letter: DeadLetter = { subject: msg.subject, deliveries: msg.info.deliveryCount, error, payload: msg.string() };
  const carried = headers();
  carried.set("Tasker-Error-Code", error.code);
  await js.publish(subject, JSON.stringify(letter), {
    headers: carried,
    msgID: `dlq:${msg.info.stream}:${msg.seq}`,
  });
}
