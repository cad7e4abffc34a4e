import { ErrorCodes } from "./error-codes.js";
import type { SandboxError } from "./types.js";

/** An error as the prelude reports it: `code` only when the thrown value carried a string one. */
export type VmErrorRecord = { name: string; message: string; stack?: string; code?: string };

/**
 * The `SandboxError` of a task failure. The thrown error's own `code` wins (a child's failure keeps its
 * code as it propagates); QuickJS's resource errors map to the limit codes; anything else is
 * `TASK_ERROR`.
 */
export function toSandboxError(record: VmErrorRecord): SandboxError {
  const error: SandboxError = {
    code: record.code ?? engineCode(record) ?? ErrorCodes.taskError,
    name: record.name,
    message: record.message,
  };
  if (record.stack !== undefined) error.stack = record.stack;
  return error;
}

function engineCode({ name, message }: VmErrorRecord): string | undefined {
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
    const record: VmErrorRecord = {
      name: typeof name === "string" ? name : "Error",
      message: typeof message === "string" ? message : JSON.stringify(dumped),
    };
    if (typeof stack === "string") record.stack = stack;
    return record;
  }
  return { name: "Error", message: String(dumped) };
}
