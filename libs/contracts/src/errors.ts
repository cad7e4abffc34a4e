import type { ErrorInfo } from "./json.js";

/**
 * How an error is to be treated, decided where it is raised: `validation` (the request is wrong; a
 * 4xx, never retried), `retryable` (transient; back off and try again), `terminal` (retrying cannot help).
 */
export type ErrorKind = "validation" | "retryable" | "terminal";

/** The base of every error Tasker raises on purpose. Errors cross boundaries by `code`. */
export class TaskerError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly kind: ErrorKind = "terminal",
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A request or message that does not match its schema; `field` is the dotted path of the culprit. */
export class ValidationError extends TaskerError {
  constructor(
    message: string,
    readonly field: string,
    code = "VALIDATION_FAILED",
  ) {
    super(code, message, "validation");
  }
}

/**
 * Whether an error may go away on retry. Errors Tasker did not raise itself (a dropped connection, a
 * driver error) count as retryable: the bus gives up on them after its delivery limit anyway.
 */
export function isRetryable(error: unknown): boolean {
  return error instanceof TaskerError ? error.kind === "retryable" : true;
}

/** An error of Tasker's own (not a task's) in its boundary-crossing form: its code is always a string. */
export type TaskerErrorInfo = ErrorInfo & { code: string };

/** The boundary-crossing form of any thrown value. */
export function toErrorInfo(error: unknown): TaskerErrorInfo {
  if (error instanceof TaskerError) return { code: error.code, name: error.name, message: error.message };
  if (error instanceof Error) return { code: "INTERNAL", name: error.name, message: error.message };
  return { code: "INTERNAL", message: String(error) };
}

/** Not now: the message is to be handled again after `retryAfterMs` (the bus naks it with that delay). */
export class RetryLaterError extends TaskerError {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super("RETRY_LATER", message, "retryable");
  }
}

/**
 * A message about a run this deployment's event store does not have: another deployment is likely
 * sharing the subject prefix on the same NATS. Terminal: reported loudly, never retried.
 */
export function unknownRunError(streamId: string, prefix: string): TaskerError {
  return new TaskerError(
    "UNKNOWN_RUN",
    `${streamId} is not in this deployment's event store: does another deployment use the subject prefix "${prefix}" (TASKER_SUBJECT_PREFIX) on this NATS server?`,
    "terminal",
  );
}
