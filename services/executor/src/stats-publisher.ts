import type { NatsConnection } from "@nats-io/nats-core";
import { EXECUTOR_STATS_INTERVAL_MS, type ExecutorStats, executorStatsSubject } from "@tasker/contracts";

/** Adds counts per namespace into one map. */
export function addCounts(into: Map<string, number>, counts: Iterable<[string, number]>): Map<string, number> {
  for (const [namespace, count] of counts) into.set(namespace, (into.get(namespace) ?? 0) + count);
  return into;
}

/**
 * Publishes this executor's `ExecutorStats` every `EXECUTOR_STATS_INTERVAL_MS` on the deployment's
 * stats subject (core NATS: at most once, read by the gateway's `/health`); `queued()` counts the
 * activations waiting per namespace. Stop it with the returned function.
 */
export function publishExecutorStats(nats: NatsConnection, prefix: string, instance: string, queued: () => Map<string, number>): () => void {
  const subject = executorStatsSubject(prefix);
  const timer = setInterval(() => {
    const stats: ExecutorStats = { instance, queued: Object.fromEntries(queued()) };
    if (!nats.isClosed()) nats.publish(subject, JSON.stringify(stats));
  }, EXECUTOR_STATS_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
