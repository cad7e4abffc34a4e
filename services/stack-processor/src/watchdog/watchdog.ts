import type { JetStreamClient } from "@nats-io/jetstream";
import { Logger } from "@nestjs/common";
import { taskRunIdOf } from "@tasker/contracts";
import type { EventStore, Sql } from "@tasker/event-store";
import type { RunOrchestrator } from "../run-orchestrator.js";
import { findStaleDispatches } from "./find-stale-dispatches.js";
import { findStuckRuns } from "./find-stuck-runs.js";
import { redispatch } from "./redispatch.js";

export interface WatchdogOptions {
  sql: Sql;
  store: EventStore;
  js: JetStreamClient;
  orchestrator: RunOrchestrator;
  prefix: string;
  /** How long work may go untouched before it counts as lost; the watchdog looks every half lease. */
  leaseMs: number;
  /** Runs and events handled per look (default 100). */
  batchSize?: number;
}

/**
 * The stuck-run watchdog: every half lease it republishes work no consumer took up (a pending task
 * call, a resume not acted on) and decides again for runs a missed decision left standing. Every
 * instance may run one: redispatches of one round share a message id, decisions are guarded.
 */
export class Watchdog {
  private readonly logger = new Logger("stack-processor watchdog");
  private timer: NodeJS.Timeout | undefined;
  private looking: Promise<void> = Promise.resolve();
  private stopped = true;

  constructor(private readonly options: WatchdogOptions) {}

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

  /** One look: redispatches stale work, then reconciles stuck runs. */
  async look(): Promise<void> {
    const { sql, leaseMs } = this.options;
    const limit = this.options.batchSize ?? 100;
    for (const stale of await findStaleDispatches(sql, leaseMs, limit)) {
      const [event] = await this.options.store.readStream(stale.streamId, stale.version);
      if (!event) continue;
      const round = Math.floor(stale.ageMs / leaseMs);
      if (await redispatch(this.options.js, this.options.prefix, event, round)) {
        this.logger.warn(`run ${taskRunIdOf(stale.streamId)}: ${stale.reason} after ${Math.round(stale.ageMs)} ms; republished its ${event.type}`);
      }
    }
    for (const stuck of await findStuckRuns(sql, leaseMs, limit)) {
      const decided = await this.options.orchestrator.reconcile(stuck.taskRunId);
      const appended = decided.flatMap((decision) => decision.events.map((event) => event.type));
      if (appended.length > 0) {
        this.logger.warn(`run ${stuck.taskRunId} cannot progress: ${stuck.reason}; decided again: ${appended.join(", ")}`);
      }
    }
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
