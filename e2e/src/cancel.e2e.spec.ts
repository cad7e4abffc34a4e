import { eventually, type RunView, TaskerSystem } from "@tasker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * A cancel is one event under the run's own guard, so it costs the same at any size of run and never
 * waits on a guard of the run's work; and a run's size is bounded.
 */
let tasker: TaskerSystem;

beforeAll(async () => {
  tasker = await TaskerSystem.start({ TASKER_MAX_STACK_RUNS: "1200" });
  await tasker.publishExamples("echo");
  await tasker.publish(
    "sequential-300",
    `module.exports = async (input, { tools }) => {
       for (let i = 0; i < 300; i++) await tools.tasks.execute("echo", { i });
       await tools.sleep(3_600_000);
       return 300;
     };`,
  );
  await tasker.publish("awaits-sequential", `module.exports = async (input, { tools }) => tools.tasks.execute("sequential-300", {});`);
  await tasker.publish("waits-on-many", `module.exports = async (input, { tools }) => Promise.all(Array.from({ length: 999 }, () => tools.sleep(3_600_000)));`);
  await tasker.publish(
    "doubling",
    `module.exports = async (input, { tools }) => {
       const level = input.level || 0;
       if (input.spin) { let x = 0; for (let i = 0; i < input.spin; i++) x += i; }
       await Promise.all([tools.tasks.execute("doubling", { level: level + 1, spin: input.spin }), tools.tasks.execute("doubling", { level: level + 1, spin: input.spin })]);
       return level;
     };`,
  );
});

afterAll(async () => {
  await tasker?.stop();
});

async function cancelAfter(taskRunId: string, ms: number): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return cancel(taskRunId);
}

async function cancel(taskRunId: string): Promise<number> {
  const cancelled = Date.now();
  const { status } = await tasker.request("POST", `/tasks/${taskRunId}/cancel`, { reason: "enough" });
  expect(status).toBe(202);
  return cancelled;
}

describe("cancelling a run", () => {
  it("ends a parent whose child is making 300 sequential nested calls", async () => {
    // Cancelled among the calls, whose guards move all the while (the hour's sleep after them only
    // keeps a fast machine from finishing first).
    const taskRunId = await tasker.submit("awaits-sequential", {});
    const echoed = async () => (await tasker.events(`run:${taskRunId}`)).filter((event) => event.type === "stack.completed").length;
    await eventually(async () => (await echoed()) >= 20, "the child has made 20 of its calls");
    const cancelled = await cancel(taskRunId);
    const run = await tasker.result(taskRunId, 30);
    expect(run).toMatchObject({ status: "cancelled", error: { code: "CANCELLED", message: "enough" } });
    expect(Date.now() - cancelled).toBeLessThan(10_000);
  });

  it("ends a run with 999 calls waiting", async () => {
    const taskRunId = await tasker.submit("waits-on-many", {});
    await eventually(async () => (await tasker.request<RunView>("GET", `/tasks/${taskRunId}`)).body.status === "suspended", "the run waits");
    await cancelAfter(taskRunId, 0);
    expect((await tasker.result(taskRunId, 30)).status).toBe("cancelled");
  });

  it("ends a run that doubles its calls at every level, however many are under way", async () => {
    const taskRunId = await tasker.submit("doubling", { spin: 3_000_000 });
    const cancelled = await cancelAfter(taskRunId, 1500);
    const run = await tasker.result(taskRunId, 30);
    expect(run.status).toBe("cancelled");
    expect(Date.now() - cancelled).toBeLessThan(10_000);
  });
});

describe("the size of a run", () => {
  it("is bounded by TASKER_MAX_STACK_RUNS: the call that would pass it fails with TOO_MANY_STACK_RUNS", async () => {
    // 1,200 calls and the cancels of those left under way when their callers failed: ~20 s on a quiet machine.
    const run = await tasker.result(await tasker.submit("doubling", {}), 100);
    expect(run).toMatchObject({ status: "failed", error: { code: "TOO_MANY_STACK_RUNS", message: expect.stringContaining("TASKER_MAX_STACK_RUNS") } });
    // Calls refused at once are recorded too, as made and failed: at most one per admitted parent's activation.
    const created = (await tasker.events(`run:${run.taskRunId}`)).filter((event) => event.type === "stack.created").length;
    expect(created).toBeGreaterThan(1200);
    expect(created).toBeLessThan(3600);
  });
});
