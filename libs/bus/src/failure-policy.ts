import { isRetryable, RetryLaterError } from "@tasker/contracts";
import { isTransient } from "./transient-error.js";

/**
 * What the transport does about a handler's failure:
 * - `give-up`: a `terminal` or `validation` error; its raiser knows retrying cannot help.
 * - `retry-later`: a `RetryLaterError`; handled again after `afterMs`.
 * - `transient`: the database or the bus is unreachable; retried in process, the message kept alive.
 * - `retryable`: anything else; redelivered with backoff until the delivery limit.
 */
export type FailurePolicy = { kind: "give-up" } | { kind: "retry-later"; afterMs: number } | { kind: "transient" } | { kind: "retryable" };

/** Classifies a handler's failure; the raiser's own classification wins over what its cause looks like. */
export function failurePolicy(error: unknown): FailurePolicy {
  if (!isRetryable(error)) return { kind: "give-up" };
  if (error instanceof RetryLaterError) return { kind: "retry-later", afterMs: error.retryAfterMs };
  if (isTransient(error)) return { kind: "transient" };
  return { kind: "retryable" };
}
