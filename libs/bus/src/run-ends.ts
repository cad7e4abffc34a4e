import type { NatsConnection, Subscription } from "@nats-io/nats-core";
import { endedRunOf, patterns } from "@tasker/contracts";

/**
 * Calls `onEnd(taskRunId)` for each run of the deployment under `prefix` that ends (completed,
 * failed or cancelled) as the bus announces it. A core subscription, so every instance hears every
 * end; at most once, and possibly not at all (a message lost while disconnected): for what an end
 * only makes cheaper or tidier, never for what it decides.
 */
export function subscribeToRunEnds(nats: NatsConnection, prefix: string, onEnd: (taskRunId: string) => void): Subscription {
  return nats.subscribe(`${prefix}.${patterns.runLifecycle}`, {
    callback: (error, msg) => {
      const ended = error ? undefined : endedRunOf(msg.subject);
      if (ended) onEnd(ended);
    },
  });
}
