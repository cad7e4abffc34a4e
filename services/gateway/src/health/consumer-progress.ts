import { findStalledConsumers, type StalledConsumer } from "@tasker/bus";
import type { Platform } from "@tasker/platform";

/** e.g. `consumer executor__run_any_stack_created_tasks: 1000 messages wait, none acknowledged for 75 s` */
export function describeStalledConsumer({ name, waiting, stalledMs }: StalledConsumer): string {
  const messages = waiting === 1 ? "1 message waits" : `${waiting} messages wait`;
  return `consumer ${name}: ${messages}, none acknowledged for ${Math.round(stalledMs / 1000)} s`;
}

/**
 * Throws, naming each one, when a consumer of the deployment has had work and acknowledged none of
 * it for two leases (`2 × TASKER_LEASE_MS`). The lease is how long work may go untouched before it
 * counts as lost; a consumer silent for two while work waits is not slow but stuck (its handlers
 * hang, or poison messages fill its window), and whatever waits on that work waits with it. A
 * consumer with no work is fine, however long it has been idle.
 */
export async function checkConsumerProgress(platform: Platform): Promise<{ stalledAfterMs: number }> {
  const stalledAfterMs = 2 * platform.config.TASKER_LEASE_MS;
  // Fails at once while NATS is disconnected, where a request would wait out the check's timeout.
  await platform.nats.rtt();
  const jsm = await platform.js.jetstreamManager(false);
  const stalled = await findStalledConsumers(jsm, platform.config.TASKER_SUBJECT_PREFIX, stalledAfterMs);
  if (stalled.length > 0) throw new Error(stalled.map(describeStalledConsumer).join("; "));
  return { stalledAfterMs };
}
