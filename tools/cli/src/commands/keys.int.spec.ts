import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pooledSql } from "@tasker/event-store";
import { type GatewayHandle, gatewayService } from "@tasker/gateway";
import { loadConfig, type ServicesHandle, startServices } from "@tasker/platform";
import { masterKeysFrom, SecretStore } from "@tasker/secrets";
import { createIsolatedEnvironment, type IsolatedEnvironment } from "@tasker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryIo } from "../memory-io.js";
import { runCli } from "../run-cli.js";

const OLD_KEY = randomBytes(32).toString("base64");
const NEW_KEY = randomBytes(32).toString("base64");
const ADMIN_TOKEN = randomBytes(16).toString("hex");

let env: IsolatedEnvironment;
let handle: ServicesHandle;
let url: string;
let scratch: string;

/** Runs `tasker ...args` with `settings` as its environment (the gateway's URL and admin token by default). */
async function tasker(args: string[], { stdin = "", settings = {} }: { stdin?: string; settings?: Record<string, string> } = {}) {
  const io = memoryIo({ TASKER_URL: url, TASKER_ADMIN_TOKEN: ADMIN_TOKEN, ...settings }, stdin);
  const code = await runCli(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

const storeUnder = (TASKER_MASTER_KEY: string) =>
  new SecretStore({ dataSource: handle.platform.dataSource, keys: () => masterKeysFrom({ TASKER_MASTER_KEY }) });

beforeAll(async () => {
  env = await createIsolatedEnvironment();
  const config = loadConfig({
    DATABASE_URL: env.databaseUrl,
    NATS_URL: env.natsUrl,
    TASKER_SUBJECT_PREFIX: env.prefix,
    PORT: "0",
    TASKER_MASTER_KEY: OLD_KEY,
    TASKER_ADMIN_TOKEN: ADMIN_TOKEN,
  });
  handle = await startServices(config, [gatewayService], "cli-keys-test");
  url = (handle.services[0] as GatewayHandle).url;
  scratch = await mkdtemp(join(tmpdir(), "tasker-keys-"));
});

afterAll(async () => {
  await handle?.close();
  await env?.cleanup();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe("tasker keys", () => {
  it("sets from --value, --file and stdin (as is), lists names only, deletes", async () => {
    expect(await tasker(["keys", "set", "from-value", "--value", "v-secret"])).toMatchObject({ code: 0, stdout: "" });
    const file = join(scratch, "token.txt");
    await writeFile(file, "file-secret\n");
    expect((await tasker(["keys", "set", "team/from-file", "--file", file])).code).toBe(0);
    expect((await tasker(["keys", "set", "from-stdin"], { stdin: "stdin\u0000secret" })).code).toBe(0);

    const store = storeUnder(OLD_KEY);
    expect(await store.get("from-value")).toBe("v-secret");
    expect(await store.get("team/from-file")).toBe("file-secret\n");
    expect(await store.get("from-stdin")).toBe("stdin\u0000secret");

    const listed = await tasker(["keys", "list"]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^from-stdin {2}\d{4}-\d\d-\d\dT\S+Z\nfrom-value {2}\S+\nteam\/from-file {2}\S+\n$/);
    expect(listed.stdout).not.toContain("secret\n");

    expect(await tasker(["keys", "delete", "from-value"])).toMatchObject({ code: 0, stderr: "deleted from-value\n" });
    expect(await store.get("from-value")).toBeUndefined();
  });

  it("fails with the gateway's error: an unknown secret, a bad name, no admin token, another token", async () => {
    const unknown = await tasker(["keys", "delete", "never-set"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^tasker: SECRET_NOT_FOUND: no secret named never-set\n$/);
    const badName = await tasker(["keys", "set", "bad name", "--value", "do-not-echo"]);
    expect(badName.code).toBe(1);
    expect(badName.stderr).toMatch(/^tasker: VALIDATION_FAILED: name: /);
    expect(badName.stderr).not.toContain("do-not-echo");
    expect((await tasker(["keys", "list"], { settings: { TASKER_ADMIN_TOKEN: "" } })).stderr).toMatch(/^tasker: ADMIN_TOKEN_REQUIRED: /);
    expect((await tasker(["keys", "list"], { settings: { TASKER_ADMIN_TOKEN: "wrong" } })).stderr).toMatch(/^tasker: ADMIN_TOKEN_INVALID: /);
    const both = await tasker(["keys", "set", "x", "--value", "a", "--file", "b"]);
    expect(both.code).toBe(2);
  });

  it("rotates at DATABASE_URL: re-encrypts what the previous key sealed, and counts it", async () => {
    await tasker(["keys", "set", "rotate-me", "--value", "old-secret"]);
    const before = await tasker(["keys", "list"]);
    const count = before.stdout.trimEnd().split("\n").length;

    const unknownKey = await tasker(["keys", "rotate"], { settings: { DATABASE_URL: env.databaseUrl, TASKER_MASTER_KEY: NEW_KEY } });
    expect(unknownKey.code).toBe(1);
    expect(unknownKey.stderr).toMatch(/^tasker: sealed under key [0-9a-f]{8}, which is neither TASKER_MASTER_KEY/);

    const rotate = () => tasker(["keys", "rotate"], { settings: { DATABASE_URL: env.databaseUrl, TASKER_MASTER_KEY: NEW_KEY, TASKER_PREVIOUS_MASTER_KEY: OLD_KEY } });
    const rotated = await rotate();
    expect(rotated.stderr).toMatch(/keep it as TASKER_PREVIOUS_MASTER_KEY on the executors until those runs have ended/);
    expect(rotated.code).toBe(0);
    const newKeyId = masterKeysFrom({ TASKER_MASTER_KEY: NEW_KEY }).currentKeyId;
    expect(rotated.stdout).toBe(`re-encrypted ${count} secret${count === 1 ? "" : "s"} under key ${newKeyId}\n`);
    expect(await storeUnder(NEW_KEY).get("rotate-me")).toBe("old-secret");
    const keyIds = await pooledSql(handle.platform.dataSource).rows<{ key_id: string }>("SELECT DISTINCT key_id FROM secrets");
    expect(keyIds).toEqual([{ key_id: newKeyId }]);
    expect((await rotate()).stdout).toBe(`re-encrypted 0 secrets under key ${newKeyId}\n`);

    const missing = await tasker(["keys", "rotate"], { settings: { DATABASE_URL: env.databaseUrl } });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^tasker: TASKER_MASTER_KEY is not set: /);
  });
});
