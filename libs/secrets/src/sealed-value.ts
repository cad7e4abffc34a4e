import { isSealedEnvelope } from "./envelope.js";
import { SecretsError } from "./errors.js";
import type { MasterKeys } from "./master-keys-sealer.js";

/** The JSON form of a sealed string, as it travels in events: exactly one key, `$sealed`, holding an envelope. */
export interface SealedValue {
  readonly $sealed: string;
}

/** Whether a JSON value is a `SealedValue`: a plain object whose only key is `$sealed`, an envelope string. */
export function isSealedValue(json: unknown): json is SealedValue {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return false;
  const keys = Object.keys(json);
  return keys.length === 1 && keys[0] === "$sealed" && isSealedEnvelope((json as SealedValue).$sealed);
}

/** Seals `text` under the current master key into `{"$sealed": "<envelope>"}`. */
export function sealValue(keys: MasterKeys, text: string): SealedValue {
  return { $sealed: keys.seal(text) };
}

/**
 * The string inside a `SealedValue`.
 * @throws SecretsError SEALED_VALUE_INVALID when `json` is not one or fails authentication; UNKNOWN_MASTER_KEY for another key.
 */
export function unsealValue(keys: MasterKeys, json: unknown): string {
  if (!isSealedValue(json)) throw new SecretsError("SEALED_VALUE_INVALID", 'not a sealed value: expected {"$sealed": "<envelope>"}');
  return keys.unseal(json.$sealed);
}
