import { TaskerError } from "@tasker/contracts";

/**
 * An append whose condition no longer holds: another writer moved the stream (or the guard) on.
 * Re-read, decide again, and retry.
 */
export class ConcurrencyError extends TaskerError {
  constructor(
    readonly streamId: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super("CONCURRENCY", `stream ${streamId}: expected ${expected}, found ${actual}`, "retryable");
  }
}

export function isConcurrencyError(error: unknown): error is ConcurrencyError {
  return error instanceof ConcurrencyError;
}
