import { MAX_ERROR_CODE_CHARS, MAX_ERROR_MESSAGE_CHARS, MAX_ERROR_NAME_CHARS, MAX_ERROR_STACK_CHARS, storableText } from "@tasker/contracts";
import { ErrorCodes } from "./error-codes.js";
import { sandboxError } from "./sandbox-failure.js";
import { cutChars } from "./storable-text.js";
import type { SandboxError } from "./types.js";

/**
 * A task error's fields as read, and the true lengths of the message, code and stack (the prelude
 * cuts them before they cross the bridge; 0 where nobody measured, and the string's own length counts).
 */
export type TaskErrorFields = {
  name: string;
  message: string;
  code: string | number;
  stack: string | undefined;
  lengths: Record<"message" | "code" | "stack", number>;
};

/** Characters of an oversized field that an `ERROR_TOO_LARGE` message quotes. */
const EXCERPT_CHARS = 200;

/**
 * The task's error within the bounds of `@tasker/contracts`. A name or stack over its bound is cut (a
 * stack keeps its first frames and ends with a line saying so). A message or code over its bound makes
 * the error `ERROR_TOO_LARGE`, a `RangeError` that gives the length and the limit and quotes the first
 * 200 characters, made storable. Any other string is kept as it is, `\u0000` and unpaired surrogates
 * included: an error is a value, stored as written.
 */
export function boundedTaskError(fields: TaskErrorFields): SandboxError {
  const { lengths } = fields;
  const tooLarge =
    oversized("message", fields.message, lengths.message, MAX_ERROR_MESSAGE_CHARS) ??
    (typeof fields.code === "string" ? oversized("code", fields.code, lengths.code, MAX_ERROR_CODE_CHARS) : undefined);
  if (tooLarge !== undefined) return tooLarge;
  const error: SandboxError = { code: fields.code, name: cutChars(fields.name, MAX_ERROR_NAME_CHARS), message: fields.message };
  if (fields.stack !== undefined) error.stack = cutStack(fields.stack, Math.max(fields.stack.length, lengths.stack));
  return error;
}

function oversized(field: "message" | "code", text: string, reportedLength: number, limit: number): SandboxError | undefined {
  const length = Math.max(text.length, reportedLength);
  if (length <= limit) return undefined;
  const excerpt = storableText(cutChars(text, EXCERPT_CHARS));
  const message = `the task's error ${field} is ${length} characters long, over the limit of ${limit}: ${excerpt}…`;
  return sandboxError(ErrorCodes.errorTooLarge, message, "RangeError");
}

/** The stack's first whole lines that fit, then a line saying what was cut: `MAX_ERROR_STACK_CHARS` at most. */
function cutStack(stack: string, length: number): string {
  if (length <= MAX_ERROR_STACK_CHARS) return stack;
  const note = `    … (stack cut: ${length} characters, over the limit of ${MAX_ERROR_STACK_CHARS})`;
  const head = cutChars(stack, MAX_ERROR_STACK_CHARS - note.length - 1);
  const lineEnd = head.lastIndexOf("\n");
  return `${lineEnd > 0 ? head.slice(0, lineEnd) : head}\n${note}`;
}
