import { type JetStreamManager, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { Logger } from "@nestjs/common";
import { eventStreamName, jetStreamPublisher } from "@tasker/bus";
import { causedBy, type RecordedEvent, subjectOf, taskRunIdOf } from "@tasker/contracts";
import { type EventStore, isConcurrencyError, type Sql } from "@tasker/event-store";
import { settleAbandoned } from "@tasker/run-model";
import type { RunOrchestrator } from "../run-orchestrator.js";
import { DispatchProgress } from "./dispatch-progress.js";
import { findStaleDispatches, type StaleDispatch } from "./find-stale-dispatches.js";
import { findStuckRuns } from "./find-stuck-runs.js";

export interface WatchdogOptions {
  sql: Sql;
  store: EventStore;
  nats: NatsConnection;
  orchestrator: RunOrchestrator;
  prefix: string;
  /** How long work may go untouched before it counts as lost; the watchdog looks every half lease. */
  leaseMs: number;
  /** Runs and events handled per look (default 100). */
  batchSize?: number;
  /** Times a lost message is sent again before its call is failed with `UNPROCESSED` (default 3). */
  maxRedispatches?: number;
}

/** Lost messages remembered with their redispatch counts; the oldest are forgotten past this. */
const REMEMBERED = 10_000;

/**
 * The stuck-run watchdog: every half lease it looks for work no worker is doing (a call nobody took,
 * or whose taker's lease ran out; a resume not acted on) and, when the bus no longer holds its message
 * for any consumer, sends it again; a message lost `maxRedispatches` times fails its call instead
 * (`UNPROCESSED`), so that nothing waits forever. It also decides again for runs a missed decision
 * left standing. Each run is handled on its own: one that fails is reported and the look goes on.
 * Every instance may run one: redispatches of one lost copy share a message id, decisions are guarded.
 */
export class Watchdog {
  private readonly logger = new Logger("stack-processor watchdog");
  private readonly publisher: ReturnType<typeof jetStreamPublisher>;
  private readonly redispatched = new Map<string, number>();
  private jsm: JetStreamManager | undefined;
  private timer: NodeJS.Timeout | undefined;
  private looking: Promise<void> = Promise.resolve();
  private stopped = true;

  constructor(private readonly options: WatchdogOptions) {
    this.publisher = jetStreamPublisher(options.nats, options.prefix);
  }

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  /** Stops looking; waits for a look under way to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.looking;
  }

  /** One look: recovers lost work, then reconciles stuck runs. */
  async look(): Promise<void> {
    const { sql, leaseMs, prefix } = this.options;
    const limit = this.options.batchSize ?? 100;
    this.jsm ??= await jetstreamManager(this.options.nats);
    const progress = new DispatchProgress(this.jsm, eventStreamName(prefix));
    for (const stale of await findStaleDispatches(sql, leaseMs, limit)) {
      await this.recover(stale, progress).catch((error: unknown) => this.reportFailure(taskRunIdOf(stale.streamId), error));
    }
    for (const stuck of await findStuckRuns(sql, leaseMs, limit)) {
      try {
        const decided = await this.options.orchestrator.reconcile(stuck.taskRunId);
        const appended = decided.flatMap((decision) => decision.events.map((event) => event.type));
        if (appended.length > 0) this.logger.warn(`run ${stuck.taskRunId} cannot progress: ${stuck.reason}; decided again: ${appended.join(", ")}`);
      } catch (error) {
        this.reportFailure(stuck.taskRunId, error);
      }
    }
  }

  private async recover(stale: StaleDispatch, progress: DispatchProgress): Promise<void> {
    const event = await this.options.store.readEvent(stale.streamId, stale.version);
    if (!event) return;
    const { state, lastSeq } = await progress.of(subjectOf(this.options.prefix, event));
    if (state !== "lost") return;
    const { eventId } = event.metadata;
    const sent = this.redispatched.get(eventId) ?? 0;
    if (sent >= (this.options.maxRedispatches ?? 3)) return this.abandon(event, stale, sent);
    // The event id alone would be dropped by JetStream's duplicate window. With the stream sequence of
    // the copy that was lost, watchdogs of several instances that find the same copy lost send one
    // message between them.
    if (await this.publisher.publishAs(event, `${eventId}:after:${lastSeq}`)) {
      this.remember(eventId, sent + 1);
      this.logger.warn(`run ${taskRunIdOf(stale.streamId)}: ${stale.reason} after ${Math.round(stale.ageMs)} ms, and its ${event.type} was handled without effect or lost; sent it again`);
    }
  }

  /** Fails the call whose message was lost again and again: whoever handled it recorded nothing. */
  private async abandon(event: RecordedEvent, stale: StaleDispatch, sent: number): Promise<void> {
    if (event.type !== "stack.created" && event.type !== "resume.requested") return;
    const message = `no worker recorded an outcome for this call: its ${event.type} was handled without effect or lost ${sent + 1} times over ${Math.round(stale.ageMs / 1000)} s`;
    const decision = settleAbandoned(event, { code: "UNPROCESSED", name: "Error", message });
    try {
      const metadata = causedBy(event, taskRunIdOf(stale.streamId));
      await this.options.store.append(stale.streamId, decision.expected, decision.events.map((failed) => ({ ...failed, metadata })));
      this.logger.error(`run ${taskRunIdOf(stale.streamId)}: ${stale.reason}; ${message}: the call failed with UNPROCESSED`);
    } catch (error) {
      if (!isConcurrencyError(error)) throw error; // settled meanwhile, or the run ended: nothing to do
    }
    this.redispatched.delete(event.metadata.eventId);
  }

  private remember(eventId: string, sent: number): void {
    this.redispatched.delete(eventId);
    this.redispatched.set(eventId, sent);
    if (this.redispatched.size > REMEMBERED) this.redispatched.delete(this.redispatched.keys().next().value!);
  }

  private reportFailure(taskRunId: string, error: unknown): void {
    this.logger.error(`run ${taskRunId}: the watchdog could not handle it: ${error instanceof Error ? error.message : String(error)}`);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.looking = this.look()
        .catch((error: unknown) => this.logger.error(`look failed: ${error instanceof Error ? error.message : String(error)}`))
        .finally(() => this.schedule());
    }, this.options.leaseMs / 2);
  }
}
