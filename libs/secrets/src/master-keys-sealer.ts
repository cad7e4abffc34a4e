import { envelopeParts, sealWith, unsealWith } from "./envelope.js";
import { SecretsError } from "./errors.js";
import { type MasterKeyEnvironment, type MasterKeyPair, masterKeyPairFrom } from "./master-keys.js";

/**
 * The platform's master keys: seals under the current one, unseals with the current or the previous.
 * Immutable; safe to share.
 */
export interface MasterKeys {
  /** Id of `TASKER_MASTER_KEY`: every new envelope names it. */
  readonly currentKeyId: string;
  /** Id of `TASKER_PREVIOUS_MASTER_KEY`, when set. */
  readonly previousKeyId: string | undefined;
  /** Encrypts any string (NUL and unpaired surrogates included) to `v1.<keyId>.<nonce>.<ciphertext+tag>`, fresh nonce each time. */
  seal(text: string): string;
  /**
   * Decrypts an envelope of `seal`, under either key.
   * @throws SecretsError UNKNOWN_MASTER_KEY for another key id; SEALED_VALUE_INVALID when altered or malformed.
   */
  unseal(envelope: string): string;
}

/** `MasterKeys` over a key pair (see `masterKeysFrom` for the environment's). */
export function masterKeysOf(pair: MasterKeyPair): MasterKeys {
  const { current, previous } = pair;
  return {
    currentKeyId: current.id,
    previousKeyId: previous?.id,
    seal: (text) => sealWith(current, text),
    unseal(envelope) {
      const { keyId } = envelopeParts(envelope);
      const key = keyId === current.id ? current : keyId === previous?.id ? previous : undefined;
      if (!key) {
        throw new SecretsError(
          "UNKNOWN_MASTER_KEY",
          `sealed under key ${keyId}, which is neither TASKER_MASTER_KEY nor TASKER_PREVIOUS_MASTER_KEY (they are ${current.id} and ${previous?.id ?? "unset"})`,
        );
      }
      return unsealWith(key, envelope);
    },
  };
}

/**
 * The platform's keys from `TASKER_MASTER_KEY` and `TASKER_PREVIOUS_MASTER_KEY` (base64 of 32 bytes each).
 * @throws SecretsError MASTER_KEY_MISSING when `TASKER_MASTER_KEY` is unset; MASTER_KEY_INVALID for a malformed key.
 */
export function masterKeysFrom(env: MasterKeyEnvironment): MasterKeys {
  return masterKeysOf(masterKeyPairFrom(env));
}
