import { runStreamId } from "@tasker/contracts";
import type pg from "pg";
import type { PostgresDriver } from "typeorm/driver/postgres/PostgresDriver.js";
import { afterAll, afterEach, beforeAll, describe, expect, it, type MockInstance, vi } from "vitest";
import { DOCUMENTED_TASK, type GatewayEnv, startGatewayEnv } from "../../test/gateway-env.js";

describe("waiting for a run's result over HTTP", () => {
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

  async function queuedRun(): Promise<string> {
    return (await gateway.request("POST", "/tasks", { taskName: "greet", input: { name: "Ada" } })).body.taskRunId;
  }

  /**
   * Resolves once the gateway has read the run's state for a wait (it subscribed to the run's events
   * before that read): an event appended from then on can only reach the request through the bus.
   */
  async function gatewayHasRead(taskRunId: string, reads: MockInstance): Promise<void> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const index = reads.mock.calls.findIndex(([text, params]) => String(text).includes("FROM task_runs") && (params as unknown[])?.[0] === taskRunId);
      if (index >= 0) {
        await reads.mock.results[index]!.value;
        return;
      }
      if (Date.now() > deadline) throw new Error(`the gateway never read run ${taskRunId}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  function watchReads(): MockInstance {
    const pool = (gateway.platform.dataSource.driver as PostgresDriver).master as pg.Pool;
    return vi.spyOn(pool, "query");
  }

  it("answers at once without wait, and after the wait runs out for a run still queued", async () => {
    const taskRunId = await queuedRun();
    expect((await gateway.request("GET", `/tasks/${taskRunId}/result`)).body.status).toBe("queued");
    const started = performance.now();
    const { status, body } = await gateway.request("GET", `/tasks/${taskRunId}/result?wait=1`);
    const elapsed = performance.now() - started;
    expect(status).toBe(200);
    expect(body).toMatchObject({ taskRunId, status: "queued" });
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(8000);
  });

  it("answers as soon as the run completes, with its result", async () => {
    const taskRunId = await queuedRun();
    const started = performance.now();
    const reads = watchReads();
    const answer = gateway.request("GET", `/tasks/${taskRunId}/result?wait=10`);
    await gatewayHasRead(taskRunId, reads);
    await gateway.platform.store.append(runStreamId(taskRunId), { guard: "run", version: 0 }, [
      { type: "run.completed", data: { taskRunId, result: { greeting: "hello Ada" } } },
    ]);
    const { status, body } = await answer;
    expect(status).toBe(200);
    expect(body).toMatchObject({ taskRunId, status: "completed", result: { greeting: "hello Ada" } });
    expect(performance.now() - started).toBeLessThan(8000);
  });

  it("answers as soon as the run fails, with its error", async () => {
    const taskRunId = await queuedRun();
    const reads = watchReads();
    const answer = gateway.request("GET", `/tasks/${taskRunId}/result?wait=10`);
    await gatewayHasRead(taskRunId, reads);
    await gateway.platform.store.append(runStreamId(taskRunId), { guard: "run", version: 0 }, [
      { type: "run.failed", data: { taskRunId, error: { code: "BOOM", message: "it broke", name: "Error", stack: "Error: it broke\n    at task" } } },
    ]);
    const { body } = await answer;
    expect(body).toMatchObject({ status: "failed", error: { code: "BOOM", message: "it broke", stack: "Error: it broke\n    at task" } });
    expect(body).not.toHaveProperty("result");
  });

  it("answers an ended run at once, whatever the wait", async () => {
    const taskRunId = await queuedRun();
    await gateway.platform.store.append(runStreamId(taskRunId), { guard: "run", version: 0 }, [
      { type: "run.completed", data: { taskRunId, result: 42 } },
    ]);
    const started = performance.now();
    const { body } = await gateway.request("GET", `/tasks/${taskRunId}/result?wait=30`);
    expect(body).toMatchObject({ status: "completed", result: 42 });
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it.each([["61"], ["-1"], ["soon"]])("refuses wait=%s, naming wait", async (wait) => {
    const taskRunId = await queuedRun();
    const { status, body } = await gateway.request("GET", `/tasks/${taskRunId}/result?wait=${wait}`);
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: "VALIDATION_FAILED", field: "wait" });
  });

  it("answers 404 for an unknown run", async () => {
    const { status } = await gateway.request("GET", "/tasks/0193a8f2-7c1e-7000-8000-000000000000/result?wait=1");
    expect(status).toBe(404);
  });
});

describe("waiting while the gateway closes", () => {
  it("answers the waiting request with the run as it is, and closes promptly", async () => {
    const gateway = await startGatewayEnv();
    let closed = false;
    try {
      await gateway.request("POST", "/task-functions", { name: "greet", code: DOCUMENTED_TASK });
      const { taskRunId } = (await gateway.request("POST", "/tasks", { taskName: "greet" })).body;
      const pool = (gateway.platform.dataSource.driver as PostgresDriver).master as pg.Pool;
      const reads = vi.spyOn(pool, "query");
      const answer = gateway.request("GET", `/tasks/${taskRunId}/result?wait=30`);
      const deadline = Date.now() + 5000;
      while (!reads.mock.calls.some(([text, params]) => String(text).includes("FROM task_runs") && (params as unknown[])?.[0] === taskRunId)) {
        if (Date.now() > deadline) throw new Error("the gateway never read the run");
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const started = performance.now();
      await gateway.close();
      closed = true;
      // Without the wait being cut short, and its connection closed after it, this is 30 s or 4 s.
      expect(performance.now() - started).toBeLessThan(3500);
      expect((await answer).body).toMatchObject({ taskRunId, status: "queued" });
    } finally {
      vi.restoreAllMocks();
      if (!closed) await gateway.close();
    }
  });
});
