import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { SecretsError } from "./errors.js";
import type { MasterKey } from "./master-keys.js";

const VERSION = "v1";
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const ENVELOPE = /^v1\.([0-9a-f]{8})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22,})$/;

/** The parts of an envelope `v1.<keyId>.<nonce b64url>.<ciphertext+tag b64url>`. */
export interface EnvelopeParts {
  readonly keyId: string;
  readonly nonce: Buffer;
  readonly sealed: Buffer;
}

/** Whether `value` is a string with the shape of an envelope (not whether it authenticates). */
export function isSealedEnvelope(value: unknown): value is string {
  return typeof value === "string" && ENVELOPE.test(value);
}

/** Splits an envelope; throws SecretsError SEALED_VALUE_INVALID when `envelope` does not have its shape. */
export function envelopeParts(envelope: string): EnvelopeParts {
  const match = ENVELOPE.exec(envelope);
  if (!match) throw new SecretsError("SEALED_VALUE_INVALID", "not a sealed value: expected v1.<keyId>.<nonce>.<ciphertext>");
  const sealed = Buffer.from(match[3]!, "base64url");
  return { keyId: match[1]!, nonce: Buffer.from(match[2]!, "base64url"), sealed };
}

// The key id and version are authenticated as associated data: a swapped key id fails, not decrypts.
const associatedData = (keyId: string) => Buffer.from(`${VERSION}.${keyId}`, "utf8");

/*
 * The plaintext is the JSON text of the string in UTF-8: JSON escapes unpaired surrogates (and NUL),
 * so every JavaScript string comes back as it was, which raw UTF-8 would not do for a lone surrogate.
 */

/** AES-256-GCM under `key` with a fresh random 12-byte nonce. Returns the envelope string. */
export function sealWith(key: MasterKey, text: string): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key.bytes, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(key.id));
  const body = Buffer.concat([cipher.update(JSON.stringify(text), "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `${VERSION}.${key.id}.${nonce.toString("base64url")}.${body.toString("base64url")}`;
}

/**
 * Opens an envelope with `key` (whose id it must name).
 * @throws SecretsError SEALED_VALUE_INVALID when it was altered or is malformed.
 */
export function unsealWith(key: MasterKey, envelope: string): string {
  const { keyId, nonce, sealed } = envelopeParts(envelope);
  const tampered = () =>
    new SecretsError("SEALED_VALUE_INVALID", `sealed value under key ${keyId} failed authentication: it was altered or truncated`);
  if (keyId !== key.id || sealed.length < TAG_BYTES) throw tampered();
  const decipher = createDecipheriv("aes-256-gcm", key.bytes, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(associatedData(keyId));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  let json: string;
  try {
    json = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]).toString("utf8");
  } catch {
    throw tampered();
  }
  const text: unknown = JSON.parse(json);
  if (typeof text !== "string") throw tampered();
  return text;
}
