import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isSealedEnvelope, isSealedValue, isSecretsError, masterKeysFrom, sealValue, unsealValue } from "./index.js";

const key = () => randomBytes(32).toString("base64");
const keys = masterKeysFrom({ TASKER_MASTER_KEY: key() });

function thrown(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  throw new Error("did not throw");
}

describe("seal and unseal", () => {
  it("give back every string as it was: NUL, unpaired surrogates, astral characters, 1 MB", () => {
    const values = ["", "plain", "a\u0000b", "\ud800", "x\udc00y", "\udfff\ud800", "😀 ünïcødé", "x".repeat(1024 * 1024), "\u0000".repeat(1000)];
    for (const value of values) {
      const envelope = keys.seal(value);
      expect(isSealedEnvelope(envelope)).toBe(true);
      expect(keys.unseal(envelope)).toBe(value);
    }
  });

  it("has the shape v1.<keyId>.<nonce>.<ciphertext+tag> with a 12-byte nonce", () => {
    const [version, keyId, nonce, body] = keys.seal("secret").split(".");
    expect(version).toBe("v1");
    expect(keyId).toBe(keys.currentKeyId);
    expect(Buffer.from(nonce!, "base64url")).toHaveLength(12);
    expect(Buffer.from(body!, "base64url").length).toBeGreaterThanOrEqual(16 + "secret".length);
  });

  it("uses a fresh nonce each time: the same text never seals the same way", () => {
    const envelopes = Array.from({ length: 100 }, () => keys.seal("same"));
    expect(new Set(envelopes).size).toBe(100);
    expect(new Set(envelopes.map((envelope) => envelope.split(".")[2])).size).toBe(100);
  });

  it("detects tampering with the ciphertext, the tag, the nonce or the key id", () => {
    const envelope = keys.seal("do not change me");
    const [version, keyId, nonce, body] = envelope.split(".") as [string, string, string, string];
    const flip = (b64: string, at: number) => {
      const bytes = Buffer.from(b64, "base64url");
      bytes[at]! ^= 1;
      return bytes.toString("base64url");
    };
    const bodyLength = Buffer.from(body, "base64url").length;
    const altered = [
      [version, keyId, nonce, flip(body, 0)],
      [version, keyId, nonce, flip(body, bodyLength - 1)],
      [version, keyId, flip(nonce, 3), body],
      [version, keyId, nonce, Buffer.from(body, "base64url").subarray(0, bodyLength - 1).toString("base64url")],
    ];
    for (const parts of altered) {
      const error = thrown(() => keys.unseal(parts.join(".")));
      expect(isSecretsError(error, "SEALED_VALUE_INVALID")).toBe(true);
      expect((error as Error).message).not.toContain("do not change me");
    }
    expect(isSecretsError(thrown(() => keys.unseal("v1.zz.abc.def")), "SEALED_VALUE_INVALID")).toBe(true);
  });

  it("names an unknown key id, and reads the previous key's envelopes", () => {
    const old = masterKeysFrom({ TASKER_MASTER_KEY: key() });
    const envelope = old.seal("from before");
    const error = thrown(() => keys.unseal(envelope));
    expect(isSecretsError(error, "UNKNOWN_MASTER_KEY")).toBe(true);
    expect((error as Error).message).toContain(
      `sealed under key ${old.currentKeyId}, which is neither TASKER_MASTER_KEY nor TASKER_PREVIOUS_MASTER_KEY (they are ${keys.currentKeyId} and unset)`,
    );
  });

  it("reads envelopes of the previous key, and seals only under the current one", () => {
    const oldKey = key();
    const old = masterKeysFrom({ TASKER_MASTER_KEY: oldKey });
    const envelope = old.seal("from before");
    const rotated = masterKeysFrom({ TASKER_MASTER_KEY: key(), TASKER_PREVIOUS_MASTER_KEY: oldKey });
    expect(rotated.previousKeyId).toBe(old.currentKeyId);
    expect(rotated.unseal(envelope)).toBe("from before");
    expect(rotated.seal("new").split(".")[1]).toBe(rotated.currentKeyId);
  });
});

describe("sealed values", () => {
  it("travel as {$sealed: envelope} and come back", () => {
    const value = sealValue(keys, "token\u0000\ud800");
    expect(Object.keys(value)).toEqual(["$sealed"]);
    expect(isSealedValue(JSON.parse(JSON.stringify(value)))).toBe(true);
    expect(unsealValue(keys, JSON.parse(JSON.stringify(value)))).toBe("token\u0000\ud800");
  });

  it("are told apart from other JSON", () => {
    for (const json of [null, "v1.x", [], { $sealed: "nope" }, { $sealed: keys.seal("a"), other: 1 }, { sealed: keys.seal("a") }]) {
      expect(isSealedValue(json)).toBe(false);
    }
    expect(isSecretsError(thrown(() => unsealValue(keys, { $sealed: 1 })), "SEALED_VALUE_INVALID")).toBe(true);
  });
});
