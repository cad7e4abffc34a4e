import { setTimeout as sleep } from "node:timers/promises";
import { exponentialBackoff } from "./backoff.js";
import { failurePolicy } from "./failure-policy.js";

export interface TransientRetryOptions {
  /** The longest time, from the first attempt, after which no further attempt starts. */
  budgetMs: number;
  /** Aborted: no further attempt (the transport is closing); the last failure is thrown. */
  signal: AbortSignal;
  /** Told of each failure that is retried, before the pause. */
  onRetry(error: unknown, attempt: number, delayMs: number): void;
}

/**
 * Runs `attempt`, and runs it again after a transient failure (the database or the bus was
 * unreachable) with exponential backoff, for as long as the budget allows. Any other failure, or
 * the last transient one, is thrown. The caller keeps the message alive meanwhile: a retry in
 * process does not count as a delivery, so an outage does not use up a message's deliveries.
 */
export async function retryWhileTransient<T>(attempt: () => Promise<T>, options: TransientRetryOptions): Promise<T> {
  const started = Date.now();
  for (let attempts = 1; ; attempts++) {
    try {
      return await attempt();
    } catch (error) {
      const delayMs = exponentialBackoff(attempts);
      const withinBudget = Date.now() - started + delayMs <= options.budgetMs;
      if (failurePolicy(error).kind !== "transient" || !withinBudget || options.signal.aborted) throw error;
      options.onRetry(error, attempts, delayMs);
      await sleep(delayMs, undefined, { signal: options.signal }).catch(() => undefined);
      if (options.signal.aborted) throw error;
    }
  }
}
