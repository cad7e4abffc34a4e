import { randomBytes } from "node:crypto";
import { newId, runStreamId } from "@tasker/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DOCUMENTED_TASK, type GatewayEnv, startGatewayEnv } from "../../test/gateway-env.js";

const ADMIN_TOKEN = randomBytes(24).toString("base64url");

describe("a run's tree over HTTP (GET /tasks/:taskRunId/tree)", () => {
  let gateway: GatewayEnv;
  const operator = { authorization: `Bearer ${ADMIN_TOKEN}` };
  beforeAll(async () => {
    gateway = await startGatewayEnv({ TASKER_AUTH: "on", TASKER_ADMIN_TOKEN: ADMIN_TOKEN });
    await gateway.request("POST", "/task-functions", { name: "greet", code: DOCUMENTED_TASK }, operator);
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it("answers a queued run's root, pending, then what its events record after the run ended and its stack runs were removed", async () => {
    const { taskRunId } = (await gateway.request("POST", "/tasks", { taskName: "greet", input: { name: "Ada" } }, operator)).body;
    const queued = await gateway.request("GET", `/tasks/${taskRunId}/tree`, undefined, operator);
    expect(queued.status).toBe(200);
    expect(queued.body).toEqual({
      stackRunId: expect.any(String),
      parentStackRunId: null,
      seq: null,
      service: "tasks",
      method: ["execute"],
      taskName: "greet",
      status: "pending",
      createdAt: expect.any(String),
      activations: [],
      attempts: 0,
      children: [],
    });
    const root = queued.body.stackRunId as string;
    const call = newId();
    const stream = runStreamId(taskRunId);
    await gateway.platform.store.append(stream, { guard: "run", version: 0 }, [
      { type: "stack.started", data: { stackRunId: root, worker: "w1", leaseUntil: new Date(Date.now() + 60_000).toISOString(), attempt: 1 } },
      { type: "stack.created", data: { stackRunId: call, parentStackRunId: root, seq: 0, service: "sleep", method: ["sleep"], args: [10], depth: 1, taskVersion: null } },
      { type: "vm.suspended", data: { stackRunId: root, activation: 1, at: Date.now(), waitingOn: [0], worker: "w1", durationMs: 3 } },
      { type: "stack.failed", data: { stackRunId: call, error: { code: "TIMEOUT", name: "TimeoutError", message: "too slow" } } },
      { type: "stack.failed", data: { stackRunId: root, error: { code: "TIMEOUT", message: "too slow" } } },
      { type: "run.failed", data: { taskRunId, error: { code: "TIMEOUT", message: "too slow" } } },
    ]);
    const ended = await gateway.request("GET", `/tasks/${taskRunId}/tree`, undefined, operator);
    expect(ended.body).toMatchObject({ status: "failed", attempts: 1, activations: [{ n: 1, kind: "start", durationMs: 3 }], error: { code: "TIMEOUT", name: "Error" } });
    expect(ended.body.children).toEqual([
      {
        stackRunId: call,
        parentStackRunId: root,
        seq: 0,
        service: "sleep",
        method: ["sleep"],
        status: "failed",
        createdAt: expect.any(String),
        endedAt: expect.any(String),
        activations: [],
        attempts: 0,
        error: { code: "TIMEOUT", name: "TimeoutError", message: "too slow" },
        children: [],
      },
    ]);
  });

  it("answers for a run of thousands of stack runs", async () => {
    const { taskRunId } = (await gateway.request("POST", "/tasks", { taskName: "greet" }, operator)).body;
    const root = (await gateway.request("GET", `/tasks/${taskRunId}/tree`, undefined, operator)).body.stackRunId as string;
    const calls = Array.from({ length: 3000 }, () => newId());
    await gateway.platform.store.append(runStreamId(taskRunId), "any", [
      ...calls.map((stackRunId, seq) => ({ type: "stack.created" as const, data: { stackRunId, parentStackRunId: root, seq, service: "sleep", method: ["sleep"], args: [1], depth: 1, taskVersion: null } })),
      { type: "vm.suspended", data: { stackRunId: root, activation: 1, at: Date.now(), waitingOn: calls.map((_, seq) => seq), worker: "w1", durationMs: 40 } },
    ]);
    await gateway.platform.store.append(runStreamId(taskRunId), "any", calls.map((stackRunId) => ({ type: "stack.completed" as const, data: { stackRunId, result: null } })));
    const started = performance.now();
    const { status, body } = await gateway.request("GET", `/tasks/${taskRunId}/tree`, undefined, operator);
    expect(status).toBe(200);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(body.children).toHaveLength(3000);
    expect(body.children.map((node: { seq: number }) => node.seq)).toEqual(calls.map((_, seq) => seq));
    expect(body.children.every((node: { status: string }) => node.status === "completed")).toBe(true);
  });

  it("answers 404 for a run of another namespace or none, and 400 for what is not a run id", async () => {
    const { taskRunId } = (await gateway.request("POST", "/tasks", { taskName: "greet" }, operator)).body;
    const made = await gateway.request("POST", "/auth/keys", { namespace: "team-b", role: "run" }, operator);
    const other = await gateway.request("GET", `/tasks/${taskRunId}/tree`, undefined, { authorization: `Bearer ${made.body.key}` });
    expect(other).toEqual({ status: 404, body: { error: { code: "TASK_RUN_NOT_FOUND", message: `no task run ${taskRunId}`, field: "taskRunId" } } });
    expect((await gateway.request("GET", `/tasks/${newId()}/tree`, undefined, operator)).status).toBe(404);
    const bad = await gateway.request("GET", "/tasks/not-a-run/tree", undefined, operator);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: "VALIDATION_FAILED", field: "taskRunId" });
  });
});
