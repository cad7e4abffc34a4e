import { runStreamId } from "@tasker/contracts";
import { pooledSql } from "@tasker/event-store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DOCUMENTED_TASK, type GatewayEnv, startGatewayEnv } from "../../test/gateway-env.js";

const MAX_BODY_BYTES = 64 * 1024;

describe("submitting and reading task runs over HTTP", () => {
  let gateway: GatewayEnv;
  let version: string;
  beforeAll(async () => {
    gateway = await startGatewayEnv({ TASKER_MAX_BODY_BYTES: String(MAX_BODY_BYTES) });
    version = (await gateway.request("POST", "/task-functions", { name: "greet", code: DOCUMENTED_TASK })).body.version;
    await gateway.request("POST", "/task-functions", { name: "greet-again", code: DOCUMENTED_TASK });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  const submit = (body: unknown) => gateway.request("POST", "/tasks", body);
  const rows = (text: string, params: unknown[]) => pooledSql(gateway.platform.dataSource).rows(text, params);

  it("queues a run at the task's current version, with its root stack run", async () => {
    const submitted = await submit({ taskName: "greet", input: { name: "Ada" } });
    expect(submitted.status).toBe(202);
    expect(submitted.body).toEqual({ taskRunId: expect.any(String), status: "queued" });
    const { taskRunId } = submitted.body;

    const read = await gateway.request("GET", `/tasks/${taskRunId}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual({
      taskRunId,
      taskName: "greet",
      status: "queued",
      input: { name: "Ada" },
      logs: [],
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });

    const [root] = await rows("SELECT * FROM stack_runs WHERE task_run_id = $1", [taskRunId]);
    expect(root).toMatchObject({ parent_stack_run_id: null, seq: null, service: "tasks", method: ["execute"], depth: 0 });
    const events = await gateway.platform.store.readStream(runStreamId(taskRunId));
    expect(events.map((event) => event.type)).toEqual(["run.submitted", "stack.created"]);
    expect(events[0]!.data).toMatchObject({ taskVersion: version, idempotencyKey: null });
    expect(events[1]!.data).toMatchObject({ stackRunId: root!.stack_run_id, taskVersion: version, args: ["greet", { name: "Ada" }] });
  });

  it("stores a missing input as null", async () => {
    const { body } = await submit({ taskName: "greet" });
    expect((await gateway.request("GET", `/tasks/${body.taskRunId}`)).body.input).toBeNull();
  });

  it("answers 404 for a task that was never published", async () => {
    const { status, body } = await submit({ taskName: "nobody-published-this", input: {} });
    expect(status).toBe(404);
    expect(body.error).toMatchObject({ code: "TASK_NOT_FOUND", field: "taskName" });
  });

  it.each([
    ["a missing taskName", { input: {} }, "taskName"],
    ["a taskName that is not a string", { taskName: 42 }, "taskName"],
    ["an invalid task name", { taskName: "no spaces allowed" }, "taskName"],
    ["an idempotencyKey that is not a string", { taskName: "greet", idempotencyKey: 7 }, "idempotencyKey"],
    ["an idempotencyKey with \\u0000", { taskName: "greet", idempotencyKey: "a\u0000b" }, "idempotencyKey"],
    ["an input nested deeper than 64", { taskName: "greet", input: JSON.parse("[".repeat(65) + "]".repeat(65)) }, expect.stringMatching(/^input(\.0)+$/)],
    ["a body that is an array", [1, 2], "body"],
  ])("answers 400 naming the field for %s", async (_case, body, field) => {
    const answer = await submit(body);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toEqual({ code: "VALIDATION_FAILED", message: expect.any(String), field });
  });

  it("keeps an input as written: keys in their order, \\u0000 and unpaired surrogates in keys and values", async () => {
    const input = `{"zeta":"a\\u0000b","alpha":["\\ud800","x\\udc00y"],"k\\u0000":1,"b":{"y":1,"x":2}}`;
    const { body } = await submit(`{"taskName":"greet","input":${input}}`);
    const read = await gateway.request<{ input: unknown }>("GET", `/tasks/${body.taskRunId}`);
    expect(JSON.stringify(read.body.input)).toBe(input);
  });

  it("accepts input nested exactly 64 deep", async () => {
    expect((await submit({ taskName: "greet", input: JSON.parse("[".repeat(63) + "]".repeat(63)) })).status).toBe(202);
  });

  it("answers 400 for a body that is not JSON, and for a missing body", async () => {
    const malformed = await submit('{"taskName": "greet",');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toEqual({ code: "INVALID_JSON", message: expect.stringContaining("not valid JSON"), field: "body" });
    const missing = await gateway.request("POST", "/tasks");
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: "VALIDATION_FAILED", field: "body" });
  });

  it("answers 413 for a body over the limit", async () => {
    const { status, body } = await submit({ taskName: "greet", input: "x".repeat(MAX_BODY_BYTES) });
    expect(status).toBe(413);
    expect(body.error).toEqual({ code: "PAYLOAD_TOO_LARGE", message: expect.stringContaining(String(MAX_BODY_BYTES)), field: "body" });
  });

  it("answers with the same run for the same idempotencyKey", async () => {
    const first = await submit({ taskName: "greet", input: 1, idempotencyKey: "sequential" });
    const second = await submit({ taskName: "greet", input: 1, idempotencyKey: "sequential" });
    expect(second).toEqual(first);
    expect(await rows("SELECT task_run_id FROM task_runs WHERE idempotency_key = $1", ["sequential"])).toHaveLength(1);
  });

  it("starts one run for ten concurrent submits with one idempotencyKey", async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, () => submit({ taskName: "greet", input: 2, idempotencyKey: "concurrent" })));
    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(202));
    expect(new Set(answers.map((answer) => answer.body.taskRunId)).size).toBe(1);
    const runs = await rows("SELECT task_run_id FROM task_runs WHERE idempotency_key = $1", ["concurrent"]);
    expect(runs).toEqual([{ task_run_id: answers[0]!.body.taskRunId }]);
    expect(await gateway.platform.store.readStream(runStreamId(answers[0]!.body.taskRunId))).toHaveLength(2);
  });

  it("answers 409 IDEMPOTENCY_CONFLICT for a key used with another input, and the same run whatever the order of keys", async () => {
    const first = await submit({ taskName: "greet", input: { a: 1, b: [1, 2] }, idempotencyKey: "conflicting" });
    expect(first.status).toBe(202);
    const reordered = await submit({ taskName: "greet", input: { b: [1, 2], a: 1 }, idempotencyKey: "conflicting" });
    expect(reordered.body).toEqual(first.body);
    const other = await submit({ taskName: "greet", input: { a: 2, b: [1, 2] }, idempotencyKey: "conflicting" });
    expect(other.status).toBe(409);
    expect(other.body.error).toEqual({ code: "IDEMPOTENCY_CONFLICT", message: expect.stringContaining(first.body.taskRunId), field: "idempotencyKey" });
    const noInput = await submit({ taskName: "greet", idempotencyKey: "conflicting" });
    expect(noInput.status).toBe(409);
    expect((await gateway.request("GET", `/tasks/${first.body.taskRunId}`)).body.input).toEqual({ a: 1, b: [1, 2] });
  });

  it("scopes an idempotencyKey to its task: the same key for another task is another run", async () => {
    const greet = await submit({ taskName: "greet", input: 1, idempotencyKey: "scoped" });
    const again = await submit({ taskName: "greet-again", input: 2, idempotencyKey: "scoped" });
    expect([greet.status, again.status]).toEqual([202, 202]);
    expect(again.body.taskRunId).not.toBe(greet.body.taskRunId);
    expect((await gateway.request("GET", `/tasks/${again.body.taskRunId}`)).body).toMatchObject({ taskName: "greet-again", input: 2 });
  });

  it("starts one run for concurrent submits of one key with two inputs, and refuses the other input", async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => submit({ taskName: "greet", input: { side: i % 2 }, idempotencyKey: "racing" })));
    const accepted = answers.filter((answer) => answer.status === 202);
    expect(new Set(accepted.map((answer) => answer.body.taskRunId)).size).toBe(1);
    expect(answers.filter((answer) => answer.status === 409)).toHaveLength(10 - accepted.length);
    expect(accepted.length).toBe(5);
    expect(await rows("SELECT task_run_id FROM task_runs WHERE idempotency_key = $1", ["racing"])).toHaveLength(1);
  });

  it("shows a run's last 1,000 log lines, and how many earlier ones it leaves out", async () => {
    const { taskRunId } = (await submit({ taskName: "greet", input: { name: "Ada" } })).body;
    const [root] = await rows("SELECT stack_run_id FROM stack_runs WHERE task_run_id = $1", [taskRunId]);
    const line = (i: number) => ({
      type: "log.appended" as const,
      data: { stackRunId: (root as { stack_run_id: string }).stack_run_id, level: "info" as const, message: `line ${i}`, at: new Date().toISOString() },
    });
    for (let from = 0; from < 2500; from += 500) {
      await gateway.platform.store.append(runStreamId(taskRunId), "any", Array.from({ length: 500 }, (_, i) => line(from + i)));
    }
    const { body } = await gateway.request("GET", `/tasks/${taskRunId}`);
    expect(body.logs).toHaveLength(1000);
    expect(body.logs[0].message).toBe("line 1500");
    expect(body.logs.at(-1).message).toBe("line 2499");
    expect(body.logsOmitted).toBe(1500);
  });

  it("answers 404 for an unknown run and 400 for a malformed id", async () => {
    const unknown = await gateway.request("GET", "/tasks/0193a8f2-7c1e-7000-8000-000000000000");
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: "TASK_RUN_NOT_FOUND", field: "taskRunId" });
    const malformed = await gateway.request("GET", "/tasks/not-a-uuid");
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatchObject({ code: "VALIDATION_FAILED", field: "taskRunId" });
  });
});
