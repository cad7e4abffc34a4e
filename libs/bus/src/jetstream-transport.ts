import { type Consumer, type ConsumerMessages, type JetStreamClient, type JsMsg, PubHeaders, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { type CustomTransportStrategy, type MessageHandler, Server } from "@nestjs/microservices";
import { type TaskerErrorInfo, type RecordedEvent, TaskerError, toErrorInfo } from "@tasker/contracts";
import { withSpan } from "@tasker/telemetry";
import { isObservable, lastValueFrom } from "rxjs";
import { exponentialBackoff } from "./backoff.js";
import { deadLetters, redeliveries } from "./bus-metrics.js";
import { consumerName } from "./consumer-name.js";
import { deadLetterSubject, sendToDeadLetter } from "./dead-letter.js";
import { ensureDurableConsumer } from "./durable-consumer.js";
import { decodeEventMessage, type LoadEvent } from "./event-message.js";
import { ensureEventStream } from "./event-stream.js";
import { failurePolicy } from "./failure-policy.js";
import { handlingOf, runHandling } from "./handling-context.js";
import { JetStreamContext } from "./jetstream-context.js";
import type { JetStreamTransportOptions } from "./jetstream-transport-options.js";
import { maxPayloadOf } from "./max-payload.js";
import { consumeSpan } from "./message-spans.js";
import { Slots } from "./slots.js";
import { type Held, TakeWindow } from "./take-window.js";
import { retryWhileTransient } from "./transient-retry.js";

/** Messages taken per handler slot at most: those beyond the running ones wait here, kept alive. */
const TAKEN_PER_HANDLER = 4;

/**
 * Messages held at most with `shareOf`, counting those beyond their share's part of the window. Each
 * one held costs a delivery when the process dies: holding 500 made the chaos test (an executor
 * SIGKILLed every 1–2 s) give up on fan-out children after 20 deliveries; 64 held, as without shares,
 * did not.
 */
const MAX_HELD_WITH_SHARES = 128;

/** How long an instance's own consumer outlives the instance. */
const INSTANCE_CONSUMER_TTL_MS = 10 * 60 * 1000;

const noLoadEvent: LoadEvent = () => {
  throw new TaskerError("UNKNOWN_EVENT", "the message carries its event by reference, and this transport has no loadEvent to read it", "terminal");
};

/**
 * A NestJS transport over JetStream: each `@EventPattern(filter)` (relative to the prefix) gets a
 * durable pull consumer. A message is acked after its handler finished (its appends committed). A
 * failure is handled by its kind (`failurePolicy`): `RetryLaterError` → nak'ed with its delay;
 * transient → retried in process, then nak'ed with backoff; terminal or validation → given up on at
 * once; anything else → nak'ed with backoff until `maxDeliveries`, then given up on. Giving up calls
 * `onGiveUp`, sends the message with its error to `<prefix>.dlq.<service>`, and terminates it.
 * A message's handler runs as the handling of its run (`runHandling`: what the logs written meanwhile
 * name); redeliveries and dead letters are counted (`tasker_redeliveries_total`, `tasker_dead_letters_total`).
 */
export class JetStreamTransport extends Server implements CustomTransportStrategy {
  override readonly propagatesEventHandlerErrors = true;
  private readonly js: JetStreamClient;
  private readonly subscriptions: ConsumerMessages[] = [];
  private readonly loops: Promise<void>[] = [];
  private readonly slots: Slots[] = [];
  /** Aborted on close: retries in process stop, so closing does not wait out an outage. */
  private readonly closing = new AbortController();
  private readonly maxDeliveries: number;
  private readonly ackWaitMs: number;

  constructor(private readonly options: JetStreamTransportOptions) {
    super();
    this.js = jetstream(options.connection);
    this.maxDeliveries = options.maxDeliveries ?? 5;
    this.ackWaitMs = options.ackWaitMs ?? 30_000;
  }

  listen(callback: (error?: unknown) => void): void {
    this.start().then(() => callback(), callback);
  }

  /** Stops taking messages and waits for the ones being handled to finish (and be acked or nak'ed). */
  async close(): Promise<void> {
    this.closing.abort();
    await Promise.all(this.subscriptions.map((messages) => messages.close()));
    await Promise.all(this.loops);
  }

  /** Messages taken and waiting for a handler, by share (see `shareOf`; "" without it), over every pattern. */
  waitingByShare(): Map<string, number> {
    const waiting = new Map<string, number>();
    for (const slots of this.slots) for (const [share, count] of slots.waitingByShare()) waiting.set(share, (waiting.get(share) ?? 0) + count);
    return waiting;
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
      await ensureDurableConsumer(jsm, stream, {
        durable,
        filterSubject: `${this.options.prefix}.${pattern}`,
        ackWaitMs: this.ackWaitMs,
        maxDeliveries: this.maxDeliveries,
        ...(perInstance ? { inactiveMs: INSTANCE_CONSUMER_TTL_MS } : {}),
      });
      const consumer = await this.js.consumers.get(stream, durable);
      this.loops.push(this.consume(consumer, handler, durable));
    }
  }

  /**
   * Takes messages as they arrive and keeps each alive from then on (a message left waiting unattended
   * past the ack wait would be redelivered, and counted, while it is still here), running at most
   * `concurrency` handlers at once; it stops taking more while `TAKEN_PER_HANDLER` per handler wait.
   * With `shareOf`, a share's messages beyond `concurrency` do not count (up to
   * `MAX_HELD_WITH_SHARES` in all), and a freed handler goes to the share with the fewest running.
   */
  private async consume(consumer: Consumer, handler: MessageHandler, durable: string): Promise<void> {
    const concurrency = this.options.concurrency ?? 16;
    const shared = this.options.shareOf !== undefined;
    const size = concurrency * TAKEN_PER_HANDLER;
    // Pulled in batches no larger than the handlers: what the client buffers while the window is full
    // is not kept alive, and must not wait there past the ack wait.
    const messages = await consumer.consume({ max_messages: concurrency });
    this.subscriptions.push(messages);
    const slots = new Slots(concurrency);
    this.slots.push(slots);
    const window = shared ? new TakeWindow(size, concurrency, Math.max(size, MAX_HELD_WITH_SHARES)) : new TakeWindow(size, Number.POSITIVE_INFINITY, size);
    const taken = new Set<Promise<void>>();
    for await (const msg of messages) {
      const held = window.take();
      if (msg.info.deliveryCount > 1) redeliveries.inc({ consumer: durable });
      const handling = this.handle(msg, handler, slots, held).finally(() => {
        held.release();
        taken.delete(handling);
      });
      taken.add(handling);
      while (window.full) await Promise.race(taken);
    }
    await Promise.all(taken);
  }

  private async handle(msg: JsMsg, handler: MessageHandler, slots: Slots, held: Held): Promise<void> {
    // A copy of work done here already is acknowledged unread; of work under way here, once it is done.
    const eventId = msg.headers?.get(PubHeaders.MsgIdHdr);
    const handled = (eventId && this.options.handledHere?.(eventId)) || false;
    if (handled === true) return msg.ack();
    const keepAlive = setInterval(() => msg.working(), this.ackWaitMs / 2);
    try {
      if (handled !== false && (await handled)) return msg.ack();
      let event: RecordedEvent;
      try {
        event = await this.retryTransient(msg, () => decodeEventMessage(msg, this.options.loadEvent ?? noLoadEvent));
      } catch (error) {
        return await this.failed(msg, error, undefined);
      }
      const share = this.options.shareOf?.(event) ?? "";
      held.assign(share);
      // Logs written while handling it name its run (see `currentHandling`).
      await runHandling(handlingOf(this.options.service, event), () => slots.run(() => this.settle(msg, event, handler), share));
    } finally {
      clearInterval(keepAlive);
    }
  }

  private async settle(msg: JsMsg, event: RecordedEvent, handler: MessageHandler): Promise<void> {
    if (msg.info.deliveryCount > this.maxDeliveries) {
      // The server's last delivery: the handler died on every one before (it kills its process), or
      // outages outlasted every retry. Not run again: given up on, so the work it carried is settled.
      const message = `delivered ${msg.info.deliveryCount} times without being acknowledged`;
      return this.giveUp(msg, { code: "DELIVERY_LIMIT", message }, event);
    }
    const span = () => consumeSpan(event, msg.subject, msg.headers?.get("traceparent") || undefined, msg.info.consumer);
    await withSpan(`consume ${event.type}`, span, async () => {
      try {
        await this.retryTransient(msg, async () => {
          const result = await handler(event, new JetStreamContext([msg]));
          if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
        });
        msg.ack();
      } catch (error) {
        await this.failed(msg, error, event);
      }
    });
  }

  private async failed(msg: JsMsg, error: unknown, event: RecordedEvent | undefined): Promise<void> {
    const info = toErrorInfo(error);
    const delivery = msg.info.deliveryCount;
    // The server delivers this message no more: a nak would drop it without a dead letter.
    if (delivery > this.maxDeliveries) return this.giveUp(msg, info, event);
    const policy = failurePolicy(error);
    switch (policy.kind) {
      case "give-up":
        return this.giveUp(msg, info, event);
      case "retry-later":
        return msg.nak(policy.afterMs);
      case "transient":
        // Retried in process already, for as long as allowed: the next delivery tries again later.
        return this.nakWithBackoff(msg, info);
      case "retryable":
        return delivery < this.maxDeliveries ? this.nakWithBackoff(msg, info) : this.giveUp(msg, info, event);
      default:
        policy satisfies never;
    }
  }

  private nakWithBackoff(msg: JsMsg, error: TaskerErrorInfo): void {
    const delivery = msg.info.deliveryCount;
    this.logger.warn(`${msg.subject}: ${error.code}: ${error.message} (delivery ${delivery}, retrying)`);
    msg.nak(this.retryDelay(delivery));
  }

  private async giveUp(msg: JsMsg, error: TaskerErrorInfo, event: RecordedEvent | undefined): Promise<void> {
    const delivery = msg.info.deliveryCount;
    try {
      const settle = this.options.onGiveUp;
      if (event && settle) await this.retryTransient(msg, () => settle(event, error));
      await sendToDeadLetter(this.js, deadLetterSubject(this.options.prefix, this.options.service), msg, error, maxPayloadOf(this.options.connection));
      msg.term(); // without a reason: servers before 2.10.4 ignore a term that has one, and redeliver
      deadLetters.inc({ service: this.options.service, code: error.code });
      this.logger.error(`${msg.subject}: ${error.code}: ${error.message} (delivery ${delivery}, dead-lettered)`);
    } catch (failure) {
      const { code, message } = toErrorInfo(failure);
      this.logger.warn(`${msg.subject}: could not give up on it (${code}: ${message}); delivery ${delivery}, trying again later`);
      msg.nak(this.retryDelay(delivery));
    }
  }

  private retryTransient<T>(msg: JsMsg, attempt: () => Promise<T>): Promise<T> {
    return retryWhileTransient(attempt, {
      budgetMs: this.options.transientRetryMs ?? 5 * 60 * 1000,
      signal: this.closing.signal,
      onRetry: (error, attempts, delayMs) => {
        const { code, message } = toErrorInfo(error);
        this.logger.warn(`${msg.subject}: ${code}: ${message} (delivery ${msg.info.deliveryCount}, attempt ${attempts} failed transiently, again in ${delayMs} ms)`);
      },
    });
  }

  private retryDelay(delivery: number): number {
    return (this.options.retryDelayMs ?? exponentialBackoff)(delivery);
  }
}
