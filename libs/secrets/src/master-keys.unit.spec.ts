import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isSecretsError, masterKeysFrom } from "./index.js";

const key = () => randomBytes(32).toString("base64");

describe("masterKeysFrom", () => {
  it("names the variable when TASKER_MASTER_KEY is unset, and points at tasker dev", () => {
    const error = (() => {
      try {
        masterKeysFrom({});
      } catch (e) {
        return e;
      }
    })();
    expect(isSecretsError(error, "MASTER_KEY_MISSING")).toBe(true);
    expect((error as Error).message).toMatch(/^TASKER_MASTER_KEY is not set: .*`tasker dev` creates one in \.tasker\//);
  });

  it("rejects a key that is not the base64 of exactly 32 bytes, naming the variable", () => {
    for (const bad of [randomBytes(31).toString("base64"), randomBytes(33).toString("base64"), "not base64!", "a".repeat(44)]) {
      expect(() => masterKeysFrom({ TASKER_MASTER_KEY: bad })).toThrow(/TASKER_MASTER_KEY must be the base64 of exactly 32 bytes/);
    }
    expect(() => masterKeysFrom({ TASKER_MASTER_KEY: key(), TASKER_PREVIOUS_MASTER_KEY: "short" })).toThrow(
      /TASKER_PREVIOUS_MASTER_KEY must be/,
    );
  });

  it("ids a key by the first 8 hex characters of its SHA-256", async () => {
    const bytes = randomBytes(32);
    const { createHash } = await import("node:crypto");
    const keys = masterKeysFrom({ TASKER_MASTER_KEY: bytes.toString("base64") });
    expect(keys.currentKeyId).toBe(createHash("sha256").update(bytes).digest("hex").slice(0, 8));
    expect(keys.previousKeyId).toBeUndefined();
  });
});
