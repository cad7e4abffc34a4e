import { randomBytes } from "node:crypto";
import { type GatewayHandle, gatewayService } from "@tasker/gateway";
import { loadConfig, type ServicesHandle, startServices } from "@tasker/platform";
import { createIsolatedEnvironment, type IsolatedEnvironment } from "@tasker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryIo } from "../memory-io.js";
import { runCli } from "../run-cli.js";

const ADMIN_TOKEN = randomBytes(16).toString("hex");

let env: IsolatedEnvironment;
let handle: ServicesHandle;
let url: string;

/** Runs `tasker ...args` against the gateway with `settings` as its environment. */
async function tasker(args: string[], settings: Record<string, string> = {}) {
  const io = memoryIo({ TASKER_URL: url, ...settings });
  const code = await runCli(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

beforeAll(async () => {
  env = await createIsolatedEnvironment();
  const config = loadConfig({ DATABASE_URL: env.databaseUrl, NATS_URL: env.natsUrl, TASKER_SUBJECT_PREFIX: env.prefix, PORT: "0", TASKER_AUTH: "on", TASKER_ADMIN_TOKEN: ADMIN_TOKEN });
  handle = await startServices(config, [gatewayService], "cli-auth-test");
  url = (handle.services[0] as GatewayHandle).url;
});

afterAll(async () => {
  await handle?.close();
  await env?.cleanup();
});

describe("tasker auth", () => {
  it("makes a key (printed alone on stdout), lists keys without them, revokes, and every command sends TASKER_API_KEY or --api-key", async () => {
    const made = await tasker(["auth", "create-key", "--namespace", "team-a", "--role", "publish"], { TASKER_API_KEY: ADMIN_TOKEN });
    expect(made.code).toBe(0);
    expect(made.stdout).toMatch(/^tsk_[\w-]{43}\n$/);
    const key = made.stdout.trim();
    const keyId = /^made key (\S+) \(publish in team-a\)\n$/.exec(made.stderr)?.[1];
    expect(keyId).toBeDefined();

    expect(await tasker(["list"], { TASKER_API_KEY: key })).toMatchObject({ code: 0, stdout: "NAME  VERSION  DESCRIPTION  USES\n" });
    expect((await tasker(["--api-key", key, "list"])).code).toBe(0);
    expect((await tasker(["list", "--api-key", key])).code).toBe(0);

    const listed = await tasker(["auth", "list-keys"], { TASKER_ADMIN_TOKEN: ADMIN_TOKEN });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^KEY ID +NAMESPACE +ROLE +CREATED +REVOKED\\n${keyId} +team-a +publish +\\S+ +-\\n$`));
    expect(listed.stdout).not.toContain(key);

    const forbidden = await tasker(["auth", "list-keys"], { TASKER_API_KEY: key });
    expect(forbidden.code).toBe(1);
    expect(forbidden.stderr).toMatch(/^tasker: FORBIDDEN: a publish key may not manage API keys/);

    expect(await tasker(["auth", "revoke", keyId!], { TASKER_API_KEY: ADMIN_TOKEN })).toMatchObject({ code: 0, stderr: `revoked ${keyId}\n` });
    const refused = await tasker(["list"], { TASKER_API_KEY: key });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe("tasker: API_KEY_INVALID: the API key is unknown or revoked\n");
    expect((await tasker(["list"])).stderr).toMatch(/^tasker: API_KEY_REQUIRED: /);
  });

  it("refuses a bad namespace or role as a usage error naming the option", async () => {
    const badNamespace = await tasker(["auth", "create-key", "--namespace", "Team A", "--role", "run"], { TASKER_API_KEY: ADMIN_TOKEN });
    expect(badNamespace).toMatchObject({ code: 2, stdout: "" });
    expect(badNamespace.stderr).toMatch(/^tasker: --namespace: /);
    const badRole = await tasker(["auth", "create-key", "--namespace", "team-a", "--role", "owner"], { TASKER_API_KEY: ADMIN_TOKEN });
    expect(badRole).toMatchObject({ code: 2, stderr: "tasker: --role: must be one of run, publish, admin\n" });
  });
});
