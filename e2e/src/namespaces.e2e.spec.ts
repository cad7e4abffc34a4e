import { randomBytes } from "node:crypto";
import { status as GrpcStatus } from "@grpc/grpc-js";
import { DEFAULT_LAYOUT, freePort, type RunView, TaskerSystem, type TasksGrpcClient, tasksGrpcClient } from "@tasker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ADMIN_TOKEN = randomBytes(24).toString("base64url");
const UNKNOWN_RUN = "0193a8f2-7c1e-7000-8000-000000000000";

/** The same task in both namespaces: it loads `./helper`, reads the secret `token` and calls `child`, each resolved in its run's namespace. */
const MAIN = `module.exports = async (input, { tools }) => {
  const helper = require("./helper");
  let secret;
  try { secret = await tools.keystore.get("token"); } catch (error) { secret = error.code; }
  let child;
  try { child = await tools.tasks.execute("child", {}); } catch (error) { child = error.code; }
  if (input && input.wait) await tools.signals.wait("go");
  return { helper: helper.who, secret, child };
};`;
const helperOf = (who: string) => `module.exports = { who: ${JSON.stringify(who)} };`;
const USES_GOOGLE = `module.exports = async (input, { tools }) => {
  try { return await tools.gapi.authenticate("https://www.googleapis.com/auth/gmail.readonly"); } catch (error) { return error.code; }
};`;

type Answer<T = any> = { status: number; body: T }; // eslint-disable-line @typescript-eslint/no-explicit-any -- answers are read loosely and their shape asserted

// With the VM cache off, every resume replays: helper modules are then loaded again from the run's namespace.
describe.each(["1000", "0"])("namespaces and API keys (TASKER_AUTH=on), through HTTP and gRPC, TASKER_VM_CACHE_SIZE %s", (cacheSize) => {
  let tasker: TaskerSystem;
  let grpc: TasksGrpcClient;
  const keys: Record<string, { keyId: string; key: string }> = {};

  /** A request made with `key` (none: no authorization header). */
  const as = (key: string | undefined) => (method: string, path: string, body?: unknown): Promise<Answer> =>
    tasker.request(method, path, body, key === undefined ? {} : { authorization: `Bearer ${key}` });
  const operator = as(ADMIN_TOKEN);
  const keyOf = (name: string) => keys[name]!.key;

  async function makeKey(name: string, namespace: string, role: string, by = operator): Promise<void> {
    const made = await by("POST", "/auth/keys", { namespace, role });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    keys[name] = made.body;
  }

  async function ended(key: string, taskRunId: string): Promise<RunView> {
    for (let tries = 0; tries < 6; tries++) {
      const { body } = await as(key)("GET", `/tasks/${taskRunId}/result?wait=10`);
      if (["completed", "failed", "cancelled"].includes(body.status)) return body;
    }
    throw new Error(`run ${taskRunId} did not end`);
  }

  beforeAll(async () => {
    const grpcPort = await freePort();
    const settings = {
      TASKER_AUTH: "on",
      TASKER_ADMIN_TOKEN: ADMIN_TOKEN,
      TASKER_MASTER_KEY: randomBytes(32).toString("base64"),
      GRPC_PORT: String(grpcPort),
      TASKER_VM_CACHE_SIZE: cacheSize,
    };
    tasker = await TaskerSystem.start(settings, { ...DEFAULT_LAYOUT, "gapi-proxy": "gapi-proxy" });
    grpc = tasksGrpcClient(`127.0.0.1:${grpcPort}`);
    await makeKey("adminA", "team-a", "admin");
    await makeKey("adminB", "team-b", "admin");
    await makeKey("publishA", "team-a", "publish", as(keyOf("adminA")));
    await makeKey("publishB", "team-b", "publish", as(keyOf("adminB")));
    await makeKey("runA", "team-a", "run", as(keyOf("adminA")));
    await makeKey("runB", "team-b", "run", as(keyOf("adminB")));
    for (const [key, who] of [[keyOf("publishA"), "a"], [keyOf("publishB"), "b"]] as const) {
      expect((await as(key)("POST", "/task-functions", { name: "main", code: MAIN })).status).toBe(201);
      expect((await as(key)("POST", "/task-functions", { name: "helper", code: helperOf(who) })).status).toBe(201);
    }
    // Only A has `child` and the secret `token`; B publishes its `helper` last, over nothing of A's.
    expect((await as(keyOf("publishA"))("POST", "/task-functions", { name: "child", code: `module.exports = async () => "a-child";` })).status).toBe(201);
    expect((await as(keyOf("adminA"))("PUT", "/keys/token", { value: "a-secret" })).status).toBe(204);
  }, 90_000);

  afterAll(async () => {
    grpc?.close();
    await tasker?.stop();
  });

  it("asks for a key everywhere but /health and /metrics: 401 without one or with an unknown one, over HTTP and gRPC", async () => {
    expect((await as(undefined)("GET", "/health")).status).toBe(200);
    expect((await fetch(`${tasker.url}/metrics`)).status).toBe(200);
    for (const path of ["/task-functions", `/tasks/${UNKNOWN_RUN}`, "/keys", "/auth/keys", "/docs-json"]) {
      const missing = await as(undefined)("GET", path);
      expect(missing.status, path).toBe(401);
      expect(missing.body.error.code).toBe("API_KEY_REQUIRED");
    }
    expect((await as(keyOf("runA"))("GET", "/docs-json")).status).toBe(200);
    const unknown = await as("tsk_not-a-key")("GET", "/task-functions");
    expect(unknown).toEqual({ status: 401, body: { error: { code: "API_KEY_INVALID", message: "the API key is unknown or revoked" } } });
    expect((await grpc.call("GetTask", { taskRunId: UNKNOWN_RUN })).error).toMatchObject({ code: GrpcStatus.UNAUTHENTICATED });
    expect((await grpc.call("SubmitTask", { taskName: "main" }, "tsk_not-a-key")).error).toMatchObject({ code: GrpcStatus.UNAUTHENTICATED });
    expect((await grpc.watch({ taskRunId: UNKNOWN_RUN })).error).toMatchObject({ code: GrpcStatus.UNAUTHENTICATED });
    expect((await grpc.call("ListTaskFunctions", {})).error).toMatchObject({ code: GrpcStatus.UNAUTHENTICATED });
    expect((await grpc.call("PublishTaskFunction", { name: "main", code: "module.exports = async () => 1;" }, keyOf("runA"))).error).toMatchObject({
      code: GrpcStatus.PERMISSION_DENIED,
    });
  });

  it("gives each role its rights: a run key cannot publish, a publish key cannot manage keys or secrets (403)", async () => {
    const publish = await as(keyOf("runA"))("POST", "/task-functions", { name: "main", code: "module.exports = async () => 'hijacked';" });
    expect(publish.status).toBe(403);
    expect(publish.body.error.code).toBe("FORBIDDEN");
    expect((await as(keyOf("publishA"))("POST", "/auth/keys", { namespace: "team-a", role: "admin" })).status).toBe(403);
    expect((await as(keyOf("publishA"))("GET", "/auth/keys")).status).toBe(403);
    expect((await as(keyOf("publishA"))("PUT", "/keys/token", { value: "x" })).status).toBe(403);
    // An admin of a namespace manages its own keys only; the operator (admin of default), every namespace's.
    const across = await as(keyOf("adminA"))("POST", "/auth/keys", { namespace: "team-b", role: "admin" });
    expect(across.status).toBe(403);
    expect(across.body.error).toMatchObject({ code: "FORBIDDEN", field: "namespace" });
    const badName = await operator("POST", "/auth/keys", { namespace: "Team_B", role: "run" });
    expect(badName.body.error).toMatchObject({ code: "VALIDATION_FAILED", field: "namespace" });
    expect((await operator("POST", "/auth/keys", { namespace: "team-b", role: "owner" })).body.error).toMatchObject({ field: "role" });
    const listed = (await as(keyOf("adminA"))("GET", "/auth/keys")).body as { keyId: string; namespace: string }[];
    expect(new Set(listed.map((key) => key.namespace))).toEqual(new Set(["team-a"]));
    expect(JSON.stringify(listed)).not.toContain(keyOf("adminA"));
    expect(((await operator("GET", "/auth/keys")).body as unknown[]).length).toBe(6);
    // Another namespace's key is as if it did not exist.
    expect((await as(keyOf("adminA"))("DELETE", `/auth/keys/${keys["runB"]!.keyId}`)).body.error.code).toBe("API_KEY_NOT_FOUND");
  });

  it("runs each namespace's task with its own helper, secret and children, whoever published the same names elsewhere", async () => {
    const a = await as(keyOf("runA"))("POST", "/tasks", { taskName: "main", input: {} });
    const b = await as(keyOf("runB"))("POST", "/tasks", { taskName: "main", input: {} });
    expect((await ended(keyOf("runA"), a.body.taskRunId)).result).toEqual({ helper: "a", secret: "a-secret", child: "a-child" });
    expect((await ended(keyOf("runB"), b.body.taskRunId)).result).toEqual({ helper: "b", secret: "SECRET_NOT_FOUND", child: "TASK_NOT_FOUND" });
    // B cannot run A's task, over HTTP or gRPC, and sees only its own task functions and secrets.
    const childB = await as(keyOf("runB"))("POST", "/tasks", { taskName: "child" });
    expect(childB.status).toBe(404);
    expect(childB.body.error.code).toBe("TASK_NOT_FOUND");
    expect((await grpc.call("SubmitTask", { taskName: "child" }, keyOf("runB"))).error).toMatchObject({ code: GrpcStatus.NOT_FOUND });
    expect((await grpc.call("SubmitTask", { taskName: "child" }, keyOf("runA"))).response).toMatchObject({ status: "queued" });
    expect((await as(keyOf("runB"))("GET", "/task-functions")).body.map((fn: { name: string }) => fn.name)).toEqual(["helper", "main"]);
    expect((await as(keyOf("runA"))("GET", "/task-functions")).body.map((fn: { name: string }) => fn.name)).toEqual(["child", "helper", "main"]);
    // The gapi-proxy acts with the deployment's Google access, default's: no other namespace borrows it.
    expect((await as(keyOf("publishB"))("POST", "/task-functions", { name: "uses-google", code: USES_GOOGLE })).status).toBe(201);
    const google = await as(keyOf("runB"))("POST", "/tasks", { taskName: "uses-google" });
    expect((await ended(keyOf("runB"), google.body.taskRunId)).result).toBe("PERMISSION_DENIED");
    expect((await as(keyOf("adminB"))("GET", "/keys")).body).toEqual([]);
    expect((await as(keyOf("adminB"))("DELETE", "/keys/token")).status).toBe(404);
    expect((await as(keyOf("adminB"))("PUT", "/keys/token", { value: "b-secret" })).status).toBe(204);
    expect((await as(keyOf("adminA"))("GET", "/keys")).body).toEqual([{ name: "token", updatedAt: expect.any(String) }]);
    const again = await as(keyOf("runA"))("POST", "/tasks", { taskName: "main", input: {} });
    expect((await ended(keyOf("runA"), again.body.taskRunId)).result).toEqual({ helper: "a", secret: "a-secret", child: "a-child" });
  });

  it("answers another namespace's run exactly as an unknown one: read, wait, cancel, signal, over HTTP and gRPC", async () => {
    const { body } = await as(keyOf("runA"))("POST", "/tasks", { taskName: "main", input: { wait: true } });
    const taskRunId: string = body.taskRunId;
    const asB = as(keyOf("runB"));
    for (const [method, path, payload] of [
      ["GET", "", undefined],
      ["GET", "/result?wait=1", undefined],
      ["POST", "/cancel", undefined],
      ["POST", "/signals/go", { payload: "from b" }],
    ] as const) {
      const theirs = await asB(method, `/tasks/${taskRunId}${path}`, payload);
      const unknown = await asB(method, `/tasks/${UNKNOWN_RUN}${path}`, payload);
      expect(theirs.status, path).toBe(404);
      expect(JSON.stringify(theirs.body).replace(taskRunId, "<id>")).toBe(JSON.stringify(unknown.body).replace(UNKNOWN_RUN, "<id>"));
    }
    const theirs = (await grpc.call("GetTask", { taskRunId }, keyOf("runB"))).error!;
    const unknown = (await grpc.call("GetTask", { taskRunId: UNKNOWN_RUN }, keyOf("runB"))).error!;
    expect(theirs.code).toBe(GrpcStatus.NOT_FOUND);
    expect(theirs.details.replace(taskRunId, "<id>")).toBe(unknown.details.replace(UNKNOWN_RUN, "<id>"));
    for (const [theirsAnswer, unknownAnswer] of [
      [await grpc.watch({ taskRunId }, keyOf("runB")), await grpc.watch({ taskRunId: UNKNOWN_RUN }, keyOf("runB"))],
      [await grpc.call("CancelTask", { taskRunId }, keyOf("runB")), await grpc.call("CancelTask", { taskRunId: UNKNOWN_RUN }, keyOf("runB"))],
    ]) {
      expect(theirsAnswer.error!.code).toBe(GrpcStatus.NOT_FOUND);
      expect(theirsAnswer.error!.details.replace(taskRunId, "<id>")).toBe(unknownAnswer.error!.details.replace(UNKNOWN_RUN, "<id>"));
    }
    expect((await grpc.call("GetTask", { taskRunId }, keyOf("runA"))).response).toMatchObject({ taskRunId, taskName: "main" });
    // B's tries changed nothing: A's run still waits for its signal, and takes A's.
    expect((await as(keyOf("runA"))("POST", `/tasks/${taskRunId}/signals/go`, { payload: null })).status).toBe(202);
    expect((await ended(keyOf("runA"), taskRunId)).status).toBe("completed");
  });

  it("scopes idempotency keys to the namespace, over HTTP and gRPC", async () => {
    const a = await as(keyOf("runA"))("POST", "/tasks", { taskName: "main", input: { n: 1 }, idempotencyKey: "order-1" });
    const b = await as(keyOf("runB"))("POST", "/tasks", { taskName: "main", input: { n: 2 }, idempotencyKey: "order-1" });
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(b.body.taskRunId).not.toBe(a.body.taskRunId);
    expect((await as(keyOf("runA"))("POST", "/tasks", { taskName: "main", input: { n: 1 }, idempotencyKey: "order-1" })).body.taskRunId).toBe(a.body.taskRunId);
    const grpcB = await grpc.call("SubmitTask", { taskName: "main", inputJson: '{"n":3}', idempotencyKey: "order-1" }, keyOf("runB"));
    expect(grpcB.error).toMatchObject({ code: GrpcStatus.ALREADY_EXISTS }); // B's own key, with another input
    const grpcA = await grpc.call("SubmitTask", { taskName: "main", inputJson: '{"n":1}', idempotencyKey: "order-1" }, keyOf("runA"));
    expect(grpcA.response).toEqual({ taskRunId: a.body.taskRunId, status: expect.any(String) });
    for (const run of [a, b]) await ended(keyOf(run === a ? "runA" : "runB"), run.body.taskRunId);
  });

  it("refuses a revoked key at once (401), over HTTP and gRPC", async () => {
    expect((await as(keyOf("runB"))("GET", "/task-functions")).status).toBe(200);
    expect((await as(keyOf("adminB"))("DELETE", `/auth/keys/${keys["runB"]!.keyId}`)).status).toBe(204);
    const revoked = await as(keyOf("runB"))("GET", "/task-functions");
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.code).toBe("API_KEY_INVALID");
    expect((await grpc.call("SubmitTask", { taskName: "main" }, keyOf("runB"))).error).toMatchObject({ code: GrpcStatus.UNAUTHENTICATED });
    const listed = (await operator("GET", "/auth/keys")).body as { keyId: string; revokedAt?: string }[];
    expect(listed.find((key) => key.keyId === keys["runB"]!.keyId)?.revokedAt).toEqual(expect.any(String));
  });
});
