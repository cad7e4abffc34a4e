import { createHash } from "node:crypto";
import { SecretsError } from "./errors.js";

/** One 32-byte AES-256 key and its id: the first 8 hex characters of the SHA-256 of the key bytes. */
export interface MasterKey {
  readonly id: string;
  readonly bytes: Buffer;
}

/** The variables master keys are read from; `TaskerConfig` and `process.env` both have this shape. */
export interface MasterKeyEnvironment {
  readonly TASKER_MASTER_KEY?: string | undefined;
  readonly TASKER_PREVIOUS_MASTER_KEY?: string | undefined;
}

type KeyVariable = keyof MasterKeyEnvironment;

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The id of a key: first 8 hex characters of its SHA-256. */
export function keyIdOf(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex").slice(0, 8);
}

/**
 * Decodes the base64 value of a master key variable.
 * @throws SecretsError MASTER_KEY_INVALID naming `variable` unless it is the base64 of exactly 32 bytes.
 */
export function parseMasterKey(variable: KeyVariable, value: string): MasterKey {
  const text = value.trim();
  const bytes = BASE64.test(text) ? Buffer.from(text, "base64") : Buffer.alloc(0);
  if (bytes.length !== 32 || bytes.toString("base64").replace(/=+$/, "") !== text.replace(/=+$/, "")) {
    throw new SecretsError(
      "MASTER_KEY_INVALID",
      `${variable} must be the base64 of exactly 32 bytes (e.g. \`openssl rand -base64 32\`)`,
    );
  }
  return { id: keyIdOf(bytes), bytes };
}

/** Whether `value` is the base64 of exactly 32 bytes: the rule `parseMasterKey` applies. */
export function isMasterKeyText(value: string): boolean {
  try {
    parseMasterKey("TASKER_MASTER_KEY", value);
    return true;
  } catch {
    return false;
  }
}

/** The keys secrets are sealed under (`current`) and may still be unsealed with (`previous`, for rotation). */
export interface MasterKeyPair {
  readonly current: MasterKey;
  readonly previous?: MasterKey;
}

/**
 * Reads `TASKER_MASTER_KEY` and the optional `TASKER_PREVIOUS_MASTER_KEY` (empty counts as unset).
 * @throws SecretsError MASTER_KEY_MISSING when `TASKER_MASTER_KEY` is unset; MASTER_KEY_INVALID when a set one is not 32 bytes of base64.
 */
export function masterKeyPairFrom(env: MasterKeyEnvironment): MasterKeyPair {
  if (!env.TASKER_MASTER_KEY) {
    throw new SecretsError(
      "MASTER_KEY_MISSING",
      "TASKER_MASTER_KEY is not set: secrets are encrypted at rest under it; set it to the base64 of 32 random bytes (`openssl rand -base64 32`); `tasker dev` creates one in .tasker/master.key",
    );
  }
  const current = parseMasterKey("TASKER_MASTER_KEY", env.TASKER_MASTER_KEY);
  const previous = env.TASKER_PREVIOUS_MASTER_KEY
    ? parseMasterKey("TASKER_PREVIOUS_MASTER_KEY", env.TASKER_PREVIOUS_MASTER_KEY)
    : undefined;
  return previous ? { current, previous } : { current };
}
