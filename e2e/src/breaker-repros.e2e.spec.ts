import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, type FakeGoogle, type ServiceProcess, startFakeGoogle, startServiceProcess, TASKER_CLI, TaskerSystem } from "@tasker/testing";

/**
 * Reproductions found by the breaker session (wrapped services, durable timers and signals). Each test
 * states what the README promises; each fails on the branch it was written on. No product code changed.
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

  // Severity: medium. PUT /keys (and tools.keystore.set) accept a value of up to ~1 MiB, but keystore.get
  // returns it sealed (base64 + envelope, ~4/3 of the size) and the kit's 1 MiB result limit refuses it:
  // a secret of 786,000+ characters can be stored but never read (RESULT_TOO_LARGE: "the result of
  // keystore.get is 1200067 bytes of JSON", for a 900,000-character value).
  it("reads back a 900,000-character secret that PUT /keys accepted", async () => {
    expect(await admin("PUT", "/keys/big", { value: "z".repeat(900_000) })).toBe(204);
    const run = await tasker.run("get-secret", { name: "big" });
    expect(run.result).toMatchObject({ ok: true, length: 900_000 });
  });

  // Severity: high (design). With TASKER_ADMIN_TOKEN set, /keys is for administrators only, but POST
  // /task-functions and POST /tasks need no token, and any task may read, overwrite or delete every secret
  // through tools.keystore: the Google service-account key with domain-wide delegation included.
  it("keeps a secret an administrator set out of reach of a client without the admin token", async () => {
    expect(await admin("PUT", "/keys/gapi-service-account", { value: '{"type":"service_account","private_key":"admin-only"}' })).toBe(204);
    expect((await tasker.request("GET", "/keys")).status).toBe(401);
    await tasker.publish(
      "steal",
      `module.exports = async (input, { tools }) => {
         const stolen = await tools.keystore.get("gapi-service-account");
         await tools.keystore.set("gapi-service-account", "attacker's key");
         return stolen;
       };`,
    );
    const run = await tasker.run("steal", {});
    expect(run.status).toBe("failed");
    expect(JSON.stringify(run)).not.toContain("admin-only");
  });

  // Severity: low. "." and ".." are valid signal names for tools.signals.wait (1-200 of letters, digits,
  // '.', '_', '-', '/'), but no HTTP client can send them: the URL /tasks/ID/signals/.. is normalised
  // away (fetch, and `tasker signal ID ..` answers NOT_FOUND "Cannot POST /tasks/ID/"); %2E%2E too.
  it("delivers a signal named '..' sent with tasker signal", async () => {
    await tasker.publish("wait-dotdot", `module.exports = async (input, { tools }) => tools.signals.wait("..", { timeoutMs: 20000 });`);
    const taskRunId = await tasker.submit("wait-dotdot", {});
    await eventually(async () => (await tasker.request<{ status: string }>("GET", `/tasks/${taskRunId}`)).body.status === "suspended", "the run waits");
    const sent = await exec(process.execPath, [TASKER_CLI, "signal", taskRunId, "..", "--payload", "1"], { env: { ...process.env, TASKER_URL: tasker.url } }).then(
      () => true,
      () => false,
    );
    expect(sent).toBe(true);
    expect(await tasker.result(taskRunId)).toMatchObject({ status: "completed", result: 1 });
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

  // Severity: high. The README says the master key is "needed only where a secret is sealed or unsealed";
  // an operator giving it to the keystore and not to the executors gets no error at all: the task's
  // `await tools.keystore.get(name)` resolves with the envelope object {"$sealed": "v1.<keyid>...."}
  // instead of the string (or a MASTER_KEY_MISSING the task can catch), and a task that returns or logs it
  // publishes the ciphertext.
  it("never hands the task the sealed envelope: the value, or MASTER_KEY_MISSING", async () => {
    const run = await tasker.run("get-secret", { name: "api-token" });
    const result = run.result as { ok: boolean; type?: string; code?: string; sealedEnvelope?: boolean };
    expect(result.sealedEnvelope ?? false).toBe(false);
    expect(result.ok ? result.type : result.code).toMatch(/^(string|MASTER_KEY_MISSING)$/);
  });
});

describe("keystore: a run that read a secret before tasker keys rotate", () => {
  // Severity: medium. `TASKER_PREVIOUS_MASTER_KEY` is documented as "still readable, until tasker keys
  // rotate has re-sealed everything", but rotate re-seals only the `secrets` table: a keystore.get result is
  // recorded sealed in the (append-only) events, and a replay opens it again, so a run suspended across
  // the rotation fails with UNKNOWN_MASTER_KEY ("the executor gave up on this call: sealed under key ...,
  // which is neither TASKER_MASTER_KEY nor TASKER_PREVIOUS_MASTER_KEY") once the previous key is dropped.
  it("finishes once the services run with the new key only", async () => {
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
      after = await TaskerSystem.start({ TASKER_MASTER_KEY: newKey }, undefined, before.env);
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
    tasker = await TaskerSystem.start(
      {
        TASKER_MASTER_KEY: randomBytes(32).toString("base64"),
        GOOGLE_API_ROOT_URL: google.rootUrl,
        GOOGLE_TOKEN_URL: google.tokenUrl,
        GAPI_ADMIN_SUBJECT: "ada@alpha.example",
        GAPI_TIMEOUT_MS: "1500",
        GAPI_MAX_ATTEMPTS: "3",
      },
      { gateway: "gateway", executor: "executor", "stack-processor": "stack-processor", keystore: "keystore", timers: "timers", gapi: "gapi-proxy" },
    );
    expect((await tasker.request("PUT", "/keys/gapi-service-account", { value: google.serviceAccountJson() })).status).toBe(204);
    await tasker.publish(
      "list-domains",
      `module.exports = async (input, { tools }) => {
         try { return { ok: true, n: (await tools.gapi.admin.domains.list({ customer: "my_customer" })).domains.length }; }
         catch (error) { return { ok: false, code: error.code }; }
       };`,
    );
  }, 120_000);

  afterAll(async () => {
    await tasker?.stop();
    await google?.close();
  });

  // Severity: high (a run that effectively never ends). Retry-After is honoured without a bound: one 429
  // with `Retry-After: 31536000` schedules the next attempt a year later (`stack.retrying {retryAt:
  // "<next year>"}`), and the run stays suspended that long, far past GAPI_TIMEOUT_MS x GAPI_MAX_ATTEMPTS
  // and even past TASKER_MAX_TIMER_MS. Expected: the wait capped (or the call failed RATE_LIMITED at once).
  it("does not suspend a call for a year because Google said Retry-After: 31536000", async () => {
    google.inject({ kind: "status", status: 429, retryAfter: "31536000" }, { path: "/admin/directory/v1/customer", times: 1 });
    const taskRunId = await tasker.submit("list-domains", {});
    const run = await tasker.result(taskRunId, 40);
    expect(run.status).toBe("completed");
  });

  // Severity: low. A Retry-After beyond what a Date can hold (here ~3 million years) makes the kit throw
  // `INTERNAL: Invalid time value` while recording the retry: no stack.retrying is recorded, the message
  // is redelivered and the attempt is only taken over when its lease runs out.
  it("records the retry of an absurd Retry-After instead of failing with Invalid time value", async () => {
    google.inject({ kind: "status", status: 429, retryAfter: "99999999999999" }, { path: "/admin/directory/v1/customer", times: 1 });
    const run = await tasker.run("list-domains", {});
    const events = await tasker.events(`run:${run.taskRunId}`);
    expect(events.filter((event) => event.type === "stack.retrying")).toHaveLength(1);
    expect(tasker.processes.get("gapi")!.output()).not.toContain("Invalid time value");
  });
});
