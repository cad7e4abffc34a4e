import { ErrorCodes } from "./error-codes.js";
import { boundedTaskError, type TaskErrorFields } from "./task-error-bounds.js";
import type { SandboxError } from "./types.js";

/**
 * An error as the VM reports it. From the prelude, each field is what the thrown value held (read
 * once), a string cut to its bound, and `lengths` gives the true length of each; from an engine error,
 * the fields `context.dump` read. The host trusts none of it: `toSandboxError` checks every field.
 */
export type VmErrorRecord = { name?: unknown; message?: unknown; stack?: unknown; code?: unknown; lengths?: unknown };

/**
 * The `SandboxError` of a task failure, always within the bounds of `@tasker/contracts`.
 * The thrown error's own non-empty string `code` wins (a child's failure keeps its code as it
 * propagates); QuickJS's resource errors map to the limit codes; anything else is `TASK_ERROR`. A
 * `message` or `code` over its bound is `ERROR_TOO_LARGE` (see `boundedTaskError`).
 */
export function toSandboxError(record: VmErrorRecord): SandboxError {
  const name = nonEmptyString(record.name) ?? "Error";
  const message = typeof record.message === "string" ? record.message : "";
  const ownCode = nonEmptyString(record.code);
  return boundedTaskError({
    name,
    message,
    code: ownCode ?? engineCode(name, message) ?? ErrorCodes.taskError,
    stack: typeof record.stack === "string" ? record.stack : undefined,
    lengths: lengthsOf(record.lengths),
  });
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
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

function engineCode(name: string, message: string): string | undefined {
  if (name === "SyntaxError") return ErrorCodes.syntaxError;
  if (name !== "InternalError" && name !== "RangeError") return undefined;
  if (message === "out of memory") return ErrorCodes.memoryLimit;
  if (message === "stack overflow" || message.startsWith("Maximum call stack size")) return ErrorCodes.stackLimit;
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
