import type { Subscription } from "@nats-io/nats-core";
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from "@nestjs/common";
import { EXECUTOR_STATS_INTERVAL_MS, ExecutorStats, executorStatsSubject } from "@tasker/contracts";
import type { Platform } from "@tasker/platform";
import { PLATFORM } from "../platform.token.js";

/** An executor whose stats are older than this many intervals is taken for gone. */
const INTERVALS_KEPT = 3;

/** What the executors of the deployment hold and have not started, per namespace. */
export type QueueDepths = {
  /** Executors heard from in the last few intervals. */
  executors: number;
  /** Activations waiting, per namespace, summed over those executors. */
  queued: Record<string, number>;
};

/** Listens to the executors' stats (`executorStatsSubject`) and keeps each instance's latest. */
@Injectable()
export class ExecutorQueues implements OnModuleInit, OnModuleDestroy {
  private readonly latest = new Map<string, { stats: ExecutorStats; at: number }>();
  private subscription: Subscription | undefined;

  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  onModuleInit(): void {
    const { nats, config } = this.platform;
    this.subscription = nats.subscribe(executorStatsSubject(config.TASKER_SUBJECT_PREFIX), {
      callback: (error, msg) => {
        if (error) return;
        const parsed = ExecutorStats.safeParse(JSON.parse(msg.string()));
        if (parsed.success) this.latest.set(parsed.data.instance, { stats: parsed.data, at: Date.now() });
        else new Logger("gateway").warn(`executor stats not understood: ${parsed.error.issues[0]?.message}`);
      },
    });
  }

  depths(now = Date.now()): QueueDepths {
    const queued: Record<string, number> = {};
    for (const [instance, { stats, at }] of this.latest) {
      if (now - at > INTERVALS_KEPT * EXECUTOR_STATS_INTERVAL_MS) {
        this.latest.delete(instance);
        continue;
      }
      for (const [namespace, count] of Object.entries(stats.queued)) queued[namespace] = (queued[namespace] ?? 0) + count;
    }
    return { executors: this.latest.size, queued };
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }
}
