import { runStreamId } from "@tasker/contracts";
import type pg from "pg";
import type { PostgresDriver } from "typeorm/driver/postgres/PostgresDriver.js";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { DOCUMENTED_TASK, type GatewayEnv, startGatewayEnv } from "../../test/gateway-env.js";

/** `POST /tasks?wait=` on a gateway alone: no executor runs the runs, the test ends them by appending their end. */
describe("submitting with a wait over HTTP", () => {
  let gateway: GatewayEnv;
  beforeAll(async () => {
    gateway = await startGatewayEnv();
    await gateway.request("POST", "/task-functions", { name: "greet", code: DOCUMENTED_TASK });
  });
  afterAll(async () => {
    await gateway?.close();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const runCount = async () => (await gateway.request("GET", "/tasks?taskName=greet&limit=100")).body.items.length;

  it.each([["61"], ["-1"], ["soon"]])("refuses wait=%s naming wait, and submits nothing", async (wait) => {
    const before = await runCount();
    const { status, body } = await gateway.request("POST", `/tasks?wait=${wait}`, { taskName: "greet", input: { name: "Ada" } });
    expect(status).toBe(400);
    expect(body.error).toEqual({ code: "VALIDATION_FAILED", message: expect.any(String), field: "wait" });
    expect(await runCount()).toBe(before);
  });

  it("answers wait=0 with 202 and the queued run, as without a wait", async () => {
    const { status, body } = await gateway.request("POST", "/tasks?wait=0", { taskName: "greet", input: { name: "Ada" } });
    expect(status).toBe(202);
    expect(body).toEqual({ taskRunId: expect.any(String), status: "queued" });
  });

  it("waits on the run an idempotency key found, and answers 200 as soon as it completes", async () => {
    const request = { taskName: "greet", input: { name: "Ada" }, idempotencyKey: "k1" };
    const { taskRunId } = (await gateway.request("POST", "/tasks", request)).body;
    const started = performance.now();
    const answer = gateway.request("POST", "/tasks?wait=20", request);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await gateway.platform.store.append(runStreamId(taskRunId), { guard: "run", version: 0 }, [{ type: "run.completed", data: { taskRunId, result: { greeting: "hello Ada" } } }]);
    const { status, body } = await answer;
    expect(status).toBe(200);
    expect(body).toEqual((await gateway.request("GET", `/tasks/${taskRunId}`)).body);
    expect(body).toMatchObject({ status: "completed", result: { greeting: "hello Ada" } });
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it("lets go of the wait when the client closes the connection", async () => {
    const request = { taskName: "greet", input: { name: "Bo" }, idempotencyKey: "k2" };
    const { taskRunId } = (await gateway.request("POST", "/tasks", request)).body;
    const reads = vi.spyOn((gateway.platform.dataSource.driver as PostgresDriver).master as pg.Pool, "query");
    const readBack = () => reads.mock.calls.some(([text, params]) => String(text).includes("task_run_logs") && (params as unknown[])?.[0] === taskRunId);
    const client = new AbortController();
    const answer = fetch(`${gateway.url}/tasks?wait=60`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(request), signal: client.signal });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(readBack()).toBe(false);
    client.abort();
    await expect(answer).rejects.toThrow();
    // The wait reads the run once when it ends: here, because the client went away, long before 60 s.
    const deadline = Date.now() + 5000;
    while (!readBack()) {
      if (Date.now() > deadline) throw new Error("the gateway still holds the wait of a client that went away");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
});
