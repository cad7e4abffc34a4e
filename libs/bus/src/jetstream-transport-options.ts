import type { NatsConnection } from "@nats-io/nats-core";
import type { TaskerErrorInfo, RecordedEvent } from "@tasker/contracts";
import type { LoadEvent } from "./event-message.js";

export interface JetStreamTransportOptions {
  /** Owned by the caller; the transport never closes it. */
  connection: NatsConnection;
  prefix: string;
  /** The consumer group: every instance of a service shares its durable consumers, and so its work. */
  service: string;
  /**
   * Deliveries of one message before it goes to the dead-letter subject (default 5). The server
   * delivers once more at most, and on that delivery the handler is not run: the transport gives up.
   */
  maxDeliveries?: number;
  /** How long a delivery may go unacknowledged before the bus redelivers it (default 30 s). */
  ackWaitMs?: number;
  /** Messages handled at once per handler (default 16). */
  concurrency?: number;
  /** Delay before a failed message is redelivered (default exponential from 250 ms, at most 30 s). */
  retryDelayMs?: (delivery: number) => number;
  /**
   * How long a handler that fails transiently (see `isTransient`: the database or the bus is
   * unreachable) is retried in process, its message kept alive, before the message is nak'ed with
   * backoff (default 5 minutes). Retries in process do not count as deliveries.
   */
  transientRetryMs?: number;
  /**
   * Reads an event that travelled by reference (it was too large for the bus) from this
   * deployment's event store. Without it, such a message is given up on.
   */
  loadEvent?: LoadEvent;
  /**
   * Called when the transport gives up on a message that carried a valid event, before the dead
   * letter is written and the message terminated: the service records there the failure of the work
   * the message carried, so that whoever waits on it learns. Must be idempotent. When it throws
   * (after retries in process if transiently), the message is nak'ed and given up on again at its
   * next delivery, as long as the server delivers it.
   */
  onGiveUp?: (event: RecordedEvent, error: TaskerErrorInfo) => Promise<void>;
  /**
   * The share a message belongs to (e.g. its run), for fairness between shares: a freed handler goes
   * to a waiting message of the share with the fewest handlers running, so one share's burst (a
   * run's fan-out) cannot hold every handler; and the consumer reads past such a burst (holding up to
   * 500 messages, kept alive) to reach the others. Without it, messages are handled in the order
   * they came. Called once per message, with its decoded event; must not throw.
   */
  shareOf?: (event: RecordedEvent) => string;
  /**
   * Whether the event with this id (a message's `Nats-Msg-Id`) was handled here already, its work
   * done without the bus (an executor's nested starts and the resumes of the VMs it holds, a copy of a
   * resume that came through another consumer), or a promise of it while that work is under way:
   * such a message is acknowledged before it is decoded (kept alive meanwhile). Must not throw or
   * reject; false when unsure.
   */
  handledHere?: (eventId: string) => boolean | Promise<boolean>;
  /**
   * This process's instance id. A pattern containing `{instance}` gets it substituted, and its
   * consumer belongs to this instance alone: it is removed by the server once the instance is gone.
   */
  instance?: string;
}
