import type { SandboxError } from "./types.js";

/**
 * An error the sandbox raises on the host side: invalid limits, a result for an unknown call, a
 * disposed VM. Task failures are never thrown; they are `failed` outcomes.
 */
export class SandboxFailure extends Error {
  override readonly name = "SandboxFailure";
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** True for any error with a string `code`, the way errors are classified across boundaries. */
export function hasCode(error: unknown): error is { code: string } {
  return typeof error === "object" && error !== null && typeof (error as { code?: unknown }).code === "string";
}

export function sandboxError(code: string, message: string, name = "Error", stack?: string): SandboxError {
  return stack === undefined ? { code, name, message } : { code, name, message, stack };
}
