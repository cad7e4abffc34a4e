import { randomBytes } from "node:crypto";
import { ValidationError } from "@tasker/contracts";
import { openDatabase, pooledSql } from "@tasker/event-store";
import { createTestDatabase, type TestDatabase } from "@tasker/testing";
import type { DataSource } from "typeorm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { isSecretsError, MAX_SECRET_VALUE_CHARS, type MasterKeys, masterKeysFrom, SecretStore, secretsMigrations } from "./index.js";

let database: TestDatabase;
let dataSource: DataSource;
const key = () => randomBytes(32).toString("base64");
const oldKey = key();
const newKey = key();
const before = masterKeysFrom({ TASKER_MASTER_KEY: oldKey });
const after = masterKeysFrom({ TASKER_MASTER_KEY: newKey, TASKER_PREVIOUS_MASTER_KEY: oldKey });
const storeUnder = (keys: MasterKeys) => new SecretStore({ dataSource, keys: () => keys });

beforeAll(async () => {
  database = await createTestDatabase();
  dataSource = await openDatabase({ url: database.url, migrations: secretsMigrations });
});

afterAll(async () => {
  await dataSource?.destroy();
  await database?.drop();
});

beforeEach(async () => {
  await pooledSql(dataSource).rows("DELETE FROM secrets");
});

const rows = () => pooledSql(dataSource).rows<{ name: string; sealed: string; key_id: string }>("SELECT * FROM secrets ORDER BY name");

describe("SecretStore", () => {
  it("sets, gets, replaces, lists (names only, sorted) and deletes", async () => {
    const store = storeUnder(before);
    await store.set("b/api-token", "one");
    await store.set("a.key_1-x", "two");
    await store.set("b/api-token", "three");
    expect(await store.get("b/api-token")).toBe("three");
    expect(await store.get("missing")).toBeUndefined();
    const listed = await store.list();
    expect(listed.map((entry) => entry.name)).toEqual(["a.key_1-x", "b/api-token"]);
    expect(listed.every((entry) => entry.updatedAt instanceof Date && Object.keys(entry).length === 2)).toBe(true);
    expect(await store.delete("a.key_1-x")).toBe(true);
    expect(await store.delete("a.key_1-x")).toBe(false);
    expect((await store.list()).map((entry) => entry.name)).toEqual(["b/api-token"]);
  });

  it("never holds plaintext: the table has envelopes under the current key id", async () => {
    const store = storeUnder(before);
    const values = { plain: "hunter2-very-recognisable", nul: "a\u0000b\ud800", big: "y".repeat(MAX_SECRET_VALUE_CHARS) };
    for (const [name, value] of Object.entries(values)) await store.set(name, value);
    for (const row of await rows()) {
      expect(row.sealed.startsWith(`v1.${before.currentKeyId}.`)).toBe(true);
      expect(row.key_id).toBe(before.currentKeyId);
      expect(row.sealed).not.toContain("hunter2");
      expect(row.sealed).not.toContain("yyyyyyyy");
      expect(await store.get(row.name)).toBe(values[row.name as keyof typeof values]);
    }
  });

  it("refuses a value longer than MAX_SECRET_VALUE_CHARS, naming the field", async () => {
    const refused = await storeUnder(before).set("too-big", "y".repeat(MAX_SECRET_VALUE_CHARS + 1)).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ValidationError);
    expect(refused).toMatchObject({ field: "value" });
  });

  it("rejects a name outside the rule, naming the field", async () => {
    const store = storeUnder(before);
    for (const name of ["", "x".repeat(201), "has space", "ünï", "semi;colon"]) {
      const error = await store.set(name, "v").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe("name");
      expect((error as Error).message).toContain("1–200 characters of letters, digits");
    }
    await store.set("x".repeat(200), "fine");
  });

  it("rotates what is under the previous key to the current one, in one go, counting them", async () => {
    await storeUnder(before).set("one", "first");
    await storeUnder(before).set("two", "second\u0000");
    await storeUnder(after).set("three", "third");
    const updatedAt = (await storeUnder(after).list()).map((entry) => entry.updatedAt.getTime());
    expect(await storeUnder(after).rotate()).toEqual({ rotated: 2 });
    expect(new Set((await rows()).map((row) => row.key_id))).toEqual(new Set([after.currentKeyId]));
    const current = storeUnder(masterKeysFrom({ TASKER_MASTER_KEY: newKey }));
    expect([await current.get("one"), await current.get("two"), await current.get("three")]).toEqual(["first", "second\u0000", "third"]);
    expect((await current.list()).map((entry) => entry.updatedAt.getTime())).toEqual(updatedAt);
    expect(await storeUnder(after).rotate()).toEqual({ rotated: 0 });
  });

  it("changes nothing when a secret is under neither key, and says which key it is under", async () => {
    await storeUnder(before).set("old", "value");
    await storeUnder(masterKeysFrom({ TASKER_MASTER_KEY: key() })).set("stray", "value");
    const before_ = await rows();
    const error = await storeUnder(after).rotate().catch((e: unknown) => e);
    expect(isSecretsError(error, "UNKNOWN_MASTER_KEY")).toBe(true);
    expect((error as Error).message).toMatch(/^sealed under key [0-9a-f]{8}, which is neither TASKER_MASTER_KEY/);
    expect(await rows()).toEqual(before_);
  });

  it("lists and deletes without master keys, and says TASKER_MASTER_KEY is missing where one is needed", async () => {
    await storeUnder(before).set("kept", "value");
    const keyless = new SecretStore({ dataSource, keys: () => masterKeysFrom({}) });
    expect((await keyless.list()).map((entry) => entry.name)).toEqual(["kept"]);
    const error = await keyless.set("other", "value").catch((e: unknown) => e);
    expect(isSecretsError(error, "MASTER_KEY_MISSING")).toBe(true);
    expect(await keyless.delete("kept")).toBe(true);
  });
});
