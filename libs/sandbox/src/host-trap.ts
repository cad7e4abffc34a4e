import { ErrorCodes } from "./error-codes.js";
import { sandboxError } from "./sandbox-failure.js";
import type { SandboxError } from "./types.js";

/**
 * Whether `error` is V8's own stack overflow. QuickJS's stack check measures the WASM module's shadow
 * stack, not the host's: code that recurses with small C frames (the parser on `((((...`, a deeply
 * nested value) can exhaust V8's stack first, and V8 then unwinds the WASM frames with this error.
 */
export function isHostStackOverflow(error: unknown): error is RangeError {
  return error instanceof RangeError && error.message.includes("call stack");
}

/** The fatal error of an activation during which the host's stack overflowed. */
export function hostStackOverflowError(error: RangeError): SandboxError {
  const message = `the task nested too deeply for the sandbox: the host's stack overflowed while QuickJS ran it (${error.message})`;
  return sandboxError(ErrorCodes.stackLimit, message, "StackLimitError");
}
