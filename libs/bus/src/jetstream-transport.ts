import {
  AckPolicy,
  type Consumer,
  type ConsumerMessages,
  DeliverPolicy,
  type JetStreamClient,
  type JsMsg,
  jetstream,
  jetstreamManager,
} from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { type CustomTransportStrategy, type MessageHandler, Server } from "@nestjs/microservices";
import { type ErrorInfo, isRetryable, parseRecordedEvent, RetryLaterError, toErrorInfo } from "@tasker/contracts";
import { isObservable, lastValueFrom } from "rxjs";
import { consumerName } from "./consumer-name.js";
import { deadLetterSubject, sendToDeadLetter } from "./dead-letter.js";
import { ensureEventStream } from "./event-stream.js";
import { JetStreamContext } from "./jetstream-context.js";

export interface JetStreamTransportOptions {
  /** Owned by the caller; the transport never closes it. */
  connection: NatsConnection;
  prefix: string;
  /** The consumer group: every instance of a service shares its durable consumers, and so its work. */
  service: string;
  /** Deliveries of one message before it goes to the dead-letter subject (default 5). */
  maxDeliveries?: number;
  /** How long a delivery may go unacknowledged before the bus redelivers it (default 30 s). */
  ackWaitMs?: number;
  /** Messages handled at once per handler (default 16). */
  concurrency?: number;
  /** Delay before a retryable failure is redelivered (default exponential from 250 ms, at most 30 s). */
  retryDelayMs?: (delivery: number) => number;
  /**
   * This process's instance id. A pattern containing `{instance}` gets it substituted, and its
   * consumer belongs to this instance alone: it is removed by the server once the instance is gone.
   */
  instance?: string;
}

/** How long an instance's own consumer outlives the instance. */
const INSTANCE_CONSUMER_TTL_MS = 10 * 60 * 1000;

const exponential = (delivery: number) => Math.min(30_000, 250 * 2 ** (delivery - 1));

/**
 * A NestJS transport over JetStream: each `@EventPattern(filter)` (relative to the prefix) gets a
 * durable pull consumer. A message is acked after its handler finished (its appends committed), nak'ed
 * with backoff on a retryable error, and sent to `<prefix>.dlq.<service>` with its error on a terminal
 * one or after `maxDeliveries` attempts.
 */
export class JetStreamTransport extends Server implements CustomTransportStrategy {
  override readonly propagatesEventHandlerErrors = true;
  private readonly js: JetStreamClient;
  private readonly subscriptions: ConsumerMessages[] = [];
  private readonly loops: Promise<void>[] = [];

  constructor(private readonly options: JetStreamTransportOptions) {
    super();
    this.js = jetstream(options.connection);
  }

  listen(callback: (error?: unknown) => void): void {
    this.start().then(() => callback(), callback);
  }

  /** Stops taking messages and waits for the ones being handled to finish (and be acked). */
  async close(): Promise<void> {
    await Promise.all(this.subscriptions.map((messages) => messages.close()));
    await Promise.all(this.loops);
  }

  on(): never {
    throw new Error("JetStreamTransport has no events to listen to");
  }

  unwrap<T>(): T {
    return this.options.connection as T;
  }

  private async start(): Promise<void> {
    const jsm = await jetstreamManager(this.options.connection);
    const stream = await ensureEventStream(jsm, this.options.prefix);
    for (const [declared, handler] of this.messageHandlers) {
      const perInstance = declared.includes("{instance}");
      if (perInstance && !this.options.instance) throw new Error(`pattern ${declared} needs the transport's instance option`);
      const pattern = perInstance ? declared.replaceAll("{instance}", this.options.instance!) : declared;
      const durable = consumerName(this.options.service, pattern);
      const config = {
        durable_name: durable,
        filter_subject: `${this.options.prefix}.${pattern}`,
        ...(perInstance ? { inactive_threshold: INSTANCE_CONSUMER_TTL_MS * 1_000_000 } : {}),
        ack_policy: AckPolicy.Explicit,
        ack_wait: (this.options.ackWaitMs ?? 30_000) * 1_000_000,
        deliver_policy: DeliverPolicy.All,
        max_ack_pending: 1000,
      };
      await jsm.consumers.add(stream, config).catch(() => jsm.consumers.update(stream, durable, config));
      const consumer = await this.js.consumers.get(stream, durable);
      this.loops.push(this.consume(consumer, handler));
    }
  }

  private async consume(consumer: Consumer, handler: MessageHandler): Promise<void> {
    const concurrency = this.options.concurrency ?? 16;
    const messages = await consumer.consume({ max_messages: concurrency });
    this.subscriptions.push(messages);
    const inFlight = new Set<Promise<void>>();
    for await (const msg of messages) {
      const handling = this.handle(msg, handler).finally(() => inFlight.delete(handling));
      inFlight.add(handling);
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  }

  private async handle(msg: JsMsg, handler: MessageHandler): Promise<void> {
    const maxDeliveries = this.options.maxDeliveries ?? 5;
    let event;
    try {
      event = parseRecordedEvent(JSON.parse(msg.string()));
    } catch (error) {
      return this.giveUp(msg, toErrorInfo(error));
    }
    if (msg.info.deliveryCount > maxDeliveries) {
      // Delivered again and again without an ack or a nak: its handler keeps killing the process.
      const message = `delivered ${msg.info.deliveryCount} times without being acknowledged`;
      return this.giveUp(msg, { code: "DELIVERY_LIMIT", message });
    }
    const keepAlive = setInterval(() => msg.working(), (this.options.ackWaitMs ?? 30_000) / 2);
    try {
      const result = await handler(event, new JetStreamContext([msg]));
      if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
      msg.ack();
    } catch (error) {
      const info = toErrorInfo(error);
      if (error instanceof RetryLaterError) {
        msg.nak(error.retryAfterMs);
      } else if (isRetryable(error) && msg.info.deliveryCount < maxDeliveries) {
        this.logger.warn(`${msg.subject}: ${info.code}: ${info.message} (delivery ${msg.info.deliveryCount}, retrying)`);
        msg.nak((this.options.retryDelayMs ?? exponential)(msg.info.deliveryCount));
      } else {
        await this.giveUp(msg, info);
      }
    } finally {
      clearInterval(keepAlive);
    }
  }

  private async giveUp(msg: JsMsg, error: ErrorInfo): Promise<void> {
    this.logger.error(`${msg.subject}: ${error.code}: ${error.message} (delivery ${msg.info.deliveryCount}, dead-lettered)`);
    try {
      await sendToDeadLetter(this.js, deadLetterSubject(this.options.prefix, this.options.service), msg, error);
      msg.term(error.code);
    } catch {
      // The dead letter could not be written: keep the message, try again later.
      msg.nak((this.options.retryDelayMs ?? exponential)(msg.info.deliveryCount));
    }
  }
}
