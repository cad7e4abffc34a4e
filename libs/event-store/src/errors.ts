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

/** An append that would take a counter past its bound: `value` is the counter as it stands. */
export class CountExceededError extends ConcurrencyError {
  constructor(
    streamId: string,
    expected: string,
    readonly counter: string,
    readonly value: number,
    readonly max: number,
  ) {
    super(streamId, expected, `counter ${counter} at ${value}, at most ${max}`);
  }
}

/**
 * A conditional append to a stream that does not exist: a decision about state this store has never
 * seen (a message of another deployment sharing the bus, or a bug). Terminal.
 */
export class StreamNotFoundError extends TaskerError {
  constructor(readonly streamId: string) {
    super("UNKNOWN_STREAM", `stream ${streamId} does not exist in this event store`, "terminal");
  }
}
