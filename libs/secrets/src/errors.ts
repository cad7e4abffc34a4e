import { TaskerError } from "@tasker/contracts";

/**
 * Codes of the errors this library raises. None is retryable: a missing or wrong key, or an altered
 * envelope, stays so until an operator acts. No message ever holds a secret's value.
 */
export type SecretsErrorCode =
  /** `TASKER_MASTER_KEY` is unset where a secret is to be sealed or unsealed. */
  | "MASTER_KEY_MISSING"
  /** A master key variable is set but is not the base64 of exactly 32 bytes. */
  | "MASTER_KEY_INVALID"
  /** An envelope names a key id that is neither the current nor the previous master key. */
  | "UNKNOWN_MASTER_KEY"
  /** An envelope fails authentication: altered, truncated, or not one at all. */
  | "SEALED_VALUE_INVALID";

/** An error of the secrets library; tell them apart by `code` (see `isSecretsError`). */
export class SecretsError extends TaskerError {
  constructor(
    override readonly code: SecretsErrorCode,
    message: string,
  ) {
    super(code, message, "terminal");
  }
}

/** Whether `error` is a `SecretsError`, optionally of one code; by code, so it holds across copies of the library. */
export function isSecretsError(error: unknown, code?: SecretsErrorCode): error is SecretsError {
  if (typeof error !== "object" || error === null || (error as { name?: unknown }).name !== "SecretsError") return false;
  return code === undefined || (error as { code?: unknown }).code === code;
}
