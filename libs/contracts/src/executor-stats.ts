import { z } from "zod";
import { assertSubjectPrefix } from "./subjects.js";

/** How often each executor publishes its `ExecutorStats` (ms). */
export const EXECUTOR_STATS_INTERVAL_MS = 1000;

/**
 * What one executor instance reports about its work, every `EXECUTOR_STATS_INTERVAL_MS`:
 * `queued` is the number of activations it holds and has not started, per namespace (messages
 * taken from the bus waiting for a handler, and nested tasks it created waiting for their turn).
 */
export const ExecutorStats = z.object({
  instance: z.string(),
  queued: z.record(z.string(), z.number().int().nonnegative()),
});
export type ExecutorStats = z.infer<typeof ExecutorStats>;

/**
 * The core NATS subject of a deployment's executor stats. Outside `<prefix>.>`, so the event stream
 * does not store them.
 */
export function executorStatsSubject(prefix: string): string {
  return `_tasker.stats.${assertSubjectPrefix(prefix)}.executor`;
}
