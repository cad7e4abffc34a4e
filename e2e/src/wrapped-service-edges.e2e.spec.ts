import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_LAYOUT, eventually, type FakeGoogle, type ServiceProcess, startFakeGoogle, startGapiSystem, startServiceProcess, TASKER_CLI, TaskerSystem } from "@tasker/testing";

/**
 * The edges of the wrapped services a user ran into: the size of a secret, signal names a URL cannot
 * carry, an executor without the master key, a rotation under suspended runs, and an upstream asking
 * for a wait longer than the service gives.
 */

const exec = promisify(execFile);

const GET_SECRET = `module.exports = async (input, { tools }) => {
  try { const value = await tools.keystore.get(input.name); return { ok: true, type: typeof value, length: typeof value === "string" ? value.length : null, sealedEnvelope: typeof value === "object" && value !== null && "$sealed" in value }; }
  catch (error) { return { ok: false, code: error.code, message: error.message }; }
};`;

describe("keystore: values it accepts, and the admin boundary", () => {
  const ADMIN_TOKEN = `admin-${randomBytes(8).toString("hex")}`;
  let tasker: TaskerSystem;

  const admin = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${tasker.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return response.status;
  };

  beforeAll(async () => {
    tasker = await TaskerSystem.start({ TASKER_MASTER_KEY: randomBytes(32).toString("base64"), TASKER_ADMIN_TOKEN: ADMIN_TOKEN });
    await tasker.publish("get-secret", GET_SECRET);
  });

  afterAll(async () => {
    await tasker?.stop();
  });

  it("reads back the largest secret PUT /keys accepts, and refuses a larger one naming the value", async () => {
    expect(await admin("PUT", "/keys/big", { value: "z".repeat(65_536) })).toBe(204);
    const run = await tasker.run("get-secret", { name: "big" });
    expect(run.result).toMatchObject({ ok: true, length: 65_536 });
    const response = await fetch(`${tasker.url}/keys/bigger`, {
      method: "PUT",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ value: "z".repeat(65_537) }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { field: "value" } });
  });

  // A URL path segment "." or ".." is dropped by every HTTP client, so no signal of that name could
  // ever be sent: waiting for one is refused at once.
  it("refuses a wait for a signal named '..', catchably", async () => {
    await tasker.publish(
      "wait-dotdot",
      `module.exports = async (input, { tools }) => { try { await tools.signals.wait("..", { timeoutMs: 20000 }); } catch (error) { return error.code; } };`,
    );
    expect(await tasker.run("wait-dotdot", {})).toMatchObject({ status: "completed", result: "INVALID_ARGUMENT" });
  });
});

describe("keystore: an executor without TASKER_MASTER_KEY", () => {
  let tasker: TaskerSystem;
  let executor: ServiceProcess;

  beforeAll(async () => {
    tasker = await TaskerSystem.start({ TASKER_MASTER_KEY: randomBytes(32).toString("base64") }, { gateway: "gateway", "stack-processor": "stack-processor", keystore: "keystore", timers: "timers" });
    executor = await startServiceProcess(["executor"], {
      DATABASE_URL: tasker.env.databaseUrl,
      NATS_URL: tasker.env.natsUrl,
      TASKER_SUBJECT_PREFIX: tasker.env.prefix,
      DATABASE_POOL_SIZE: "4",
      TASKER_MASTER_KEY: "",
    });
    expect((await tasker.request("PUT", "/keys/api-token", { value: "s3cret-value" })).status).toBe(204);
    await tasker.publish("get-secret", GET_SECRET);
  });

  afterAll(async () => {
    await executor?.kill("SIGTERM");
    await tasker?.stop();
  });

  // The keystore has the key, the executor not: the task never gets the sealed form in the value's place.
  it("rejects the task's keystore.get with MASTER_KEY_MISSING rather than hand it the sealed envelope", async () => {
    const run = await tasker.run("get-secret", { name: "api-token" });
    expect(run.result).toMatchObject({ ok: false, code: "MASTER_KEY_MISSING" });
    expect(JSON.stringify(run)).not.toContain("$sealed");
  });
});

describe("keystore: a run that read a secret before tasker keys rotate", () => {
  // Rotation re-seals the secrets table; a keystore.get result a run recorded stays sealed under the key it
  // was read with (events are never rewritten), so the previous key stays set while such runs may replay.
  it("finishes a run suspended across the rotation, its recorded secret opened with the previous key", async () => {
    const oldKey = randomBytes(32).toString("base64");
    const newKey = randomBytes(32).toString("base64");
    const before = await TaskerSystem.start({ TASKER_MASTER_KEY: oldKey });
    let after: TaskerSystem | undefined;
    try {
      expect((await before.request("PUT", "/keys/rot", { value: "rotation-secret" })).status).toBe(204);
      await before.publish(
        "read-then-wait",
        `module.exports = async (input, { tools }) => { const v = await tools.keystore.get("rot"); await tools.signals.wait("go"); return v.length; };`,
      );
      const taskRunId = await before.submit("read-then-wait", {});
      await eventually(
        async () => (await before.request<{ waitingOn?: { service: string }[] }>("GET", `/tasks/${taskRunId}`)).body.waitingOn?.some((call) => call.service === "signals") ?? false,
        "the run waits for its signal",
      );
      const { stdout } = await exec(process.execPath, [TASKER_CLI, "keys", "rotate"], {
        env: { ...process.env, DATABASE_URL: before.env.databaseUrl, TASKER_MASTER_KEY: newKey, TASKER_PREVIOUS_MASTER_KEY: oldKey },
      });
      expect(stdout).toContain("re-encrypted 1 secret");
      for (const label of [...before.processes.keys()]) await before.kill(label, "SIGTERM");
      after = await TaskerSystem.start({ TASKER_MASTER_KEY: newKey, TASKER_PREVIOUS_MASTER_KEY: oldKey, TASKER_VM_CACHE_SIZE: "0" }, undefined, before.env);
      expect((await after.request("POST", `/tasks/${taskRunId}/signals/go`, { payload: null })).status).toBe(202);
      expect(await after.result(taskRunId)).toMatchObject({ status: "completed", result: "rotation-secret".length });
    } finally {
      if (after) await after.stop();
      else await before.stop();
    }
  });
});

describe("gapi: Retry-After", () => {
  let google: FakeGoogle;
  let tasker: TaskerSystem;

  beforeAll(async () => {
    google = await startFakeGoogle();
    tasker = await startGapiSystem(google, { GAPI_TIMEOUT_MS: "1500", GAPI_MAX_ATTEMPTS: "3" }, { ...DEFAULT_LAYOUT, gapi: "gapi-proxy" });
    await tasker.publish(
      "list-domains",
      `module.exports = async (input, { tools }) => {
         try { return { ok: true, n: (await tools.gapi.admin.domains.list({ customer: "my_customer" })).domains.length }; }
         catch (error) { return { ok: false, code: error.code, message: error.message }; }
       };`,
    );
  }, 120_000);

  afterAll(async () => {
    await tasker?.stop();
    await google?.close();
  });

  // An upstream asking for a wait longer than GAPI_MAX_RETRY_DELAY_MS (5 min by default) fails the call at
  // once rather than leave the run suspended that long: here a year, and three million years.
  it.each(["31536000", "99999999999999"])("fails a call whose upstream says Retry-After: %s with RATE_LIMITED at once, naming the wait", async (retryAfter) => {
    google.inject({ kind: "status", status: 429, retryAfter }, { path: "/admin/directory/v1/customer", times: 1 });
    const run = await tasker.run("list-domains", {});
    expect(run.result).toMatchObject({ ok: false, code: "RATE_LIMITED" });
    expect((run.result as { message: string }).message).toMatch(/asks to wait \d+ s .*GAPI_MAX_RETRY_DELAY_MS/);
    const events = await tasker.events(`run:${run.taskRunId}`);
    expect(events.filter((event) => event.type === "stack.retrying")).toHaveLength(0);
    expect(tasker.processes.get("gapi")!.output()).not.toContain("Invalid time value");
  });
});
