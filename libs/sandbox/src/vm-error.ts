import { MAX_ERROR_CAUSE_DEPTH } from "@tasker/contracts";
import { ErrorCodes } from "./error-codes.js";
import { errorDetails, type ErrorPartsRecord } from "./error-details.js";
import { withoutPreludeFrames } from "./prelude-name.js";
import { boundedTaskError, type TaskErrorFields } from "./task-error-bounds.js";
import type { SandboxError } from "./types.js";

/**
 * An error as the VM reports it. From the prelude, each field is what the thrown value held (read
 * once), a string cut to its bound, and `lengths` gives the true length of each; an Error also brings
 * its `cause` (a record too) and the parts of `ErrorPartsRecord`. From an engine error, the fields
 * `context.dump` read. The host trusts none of it: `toSandboxError` checks every field.
 */
export type VmErrorRecord = { name?: unknown; message?: unknown; stack?: unknown; code?: unknown; lengths?: unknown; cause?: unknown } & ErrorPartsRecord;

/**
 * The `SandboxError` of a task failure, always within the bounds of `@tasker/contracts` and storable.
 * The thrown error's own non-empty string or finite number `code` wins (a child's failure keeps its
 * code, and its type, as it propagates); QuickJS's resource errors map to the limit codes; anything
 * else is `TASK_ERROR`. A `message` or `code` over its bound is `ERROR_TOO_LARGE` (see
 * `boundedTaskError`); the `stack` keeps the task's frames only (not the prelude's). Its `cause` is
 * made the same way, one level deeper (`depth`, 0 for the thrown error), to `MAX_ERROR_CAUSE_DEPTH`
 * levels; `details` comes from `errorDetails`.
 */
export function toSandboxError(record: VmErrorRecord, depth = 0): SandboxError {
  const name = nonEmptyString(record.name) ?? "Error";
  const message = typeof record.message === "string" ? record.message : "";
  const ownCode = nonEmptyString(record.code) ?? finiteNumber(record.code);
  const stack = nonEmptyString(record.stack);
  const error = boundedTaskError({
    name,
    message,
    code: ownCode ?? engineCode(name, message) ?? ErrorCodes.taskError,
    stack: stack === undefined ? undefined : nonEmptyString(withoutPreludeFrames(stack)),
    lengths: lengthsOf(record.lengths),
  });
  const hasCause = typeof record.cause === "object" && record.cause !== null;
  const causeDropped = hasCause && depth >= MAX_ERROR_CAUSE_DEPTH ? "depth" : droppedWhy(record.causeDropped);
  if (hasCause && causeDropped === undefined) error.cause = toSandboxError(record.cause as VmErrorRecord, depth + 1);
  const elementOf = (element: unknown) => toSandboxError(typeof element === "object" && element !== null ? element : {}, depth + 1);
  const details = errorDetails(depth >= MAX_ERROR_CAUSE_DEPTH ? { ...record, errors: undefined } : record, causeDropped, elementOf);
  if (details !== undefined) error.details = details;
  return error;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function finiteNumber(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function droppedWhy(value: unknown): "depth" | "cycle" | undefined {
  return value === "depth" || value === "cycle" ? value : undefined;
}

/** The true lengths the prelude reported for the fields it cut; absent or malformed ones read as 0. */
function lengthsOf(value: unknown): TaskErrorFields["lengths"] {
  const lengths = typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
  const read = (key: string): number => {
    const length = lengths[key];
    return typeof length === "number" ? length : 0;
  };
  return { message: read("message"), stack: read("stack"), code: read("code") };
}

/** QuickJS reports a stack overflow in its parsers (`JSON.parse` of `[[[[...`) as a `SyntaxError`. */
function engineCode(name: string, message: string): string | undefined {
  if (message === "stack overflow" && (name === "SyntaxError" || name === "InternalError" || name === "RangeError")) return ErrorCodes.stackLimit;
  if (name === "SyntaxError") return ErrorCodes.syntaxError;
  if (name !== "InternalError" && name !== "RangeError") return undefined;
  if (message === "out of memory") return ErrorCodes.memoryLimit;
  if (message.startsWith("Maximum call stack size")) return ErrorCodes.stackLimit;
  if (message === "interrupted") return ErrorCodes.cpuTimeLimit;
  return undefined;
}

/** Reads what `context.dump` gives for a thrown value into a record. */
export function recordOfDump(dumped: unknown): VmErrorRecord {
  if (typeof dumped === "object" && dumped !== null) {
    const { name, message, stack } = dumped as Record<string, unknown>;
    return { name, message: typeof message === "string" ? message : JSON.stringify(dumped), stack };
  }
  return { name: "Error", message: String(dumped) };
}
