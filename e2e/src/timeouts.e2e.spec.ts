import type { RecordedEvent } from "@tasker/contracts";
import { TaskerSystem } from "@tasker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** `POST /tasks {timeoutMs}` and `tools.tasks.execute(name, input, {timeoutMs})`: TIMEOUT when it passes. */
let tasker: TaskerSystem;

beforeAll(async () => {
  tasker = await TaskerSystem.start({ TASKER_MAX_TIMER_MS: "3600000" });
  await tasker.publishExamples("sleepy-reminder");
  await tasker.publish(
    "impatient",
    `module.exports = async (input, { tools }) => {
       let code;
       try { await tools.tasks.execute("sleepy-reminder", { steps: 1, sleepMs: 10000 }, { timeoutMs: 500 }); } catch (error) { code = error.code; }
       await tools.sleep(1500);
       return code;
     };`,
  );
});

afterAll(async () => {
  await tasker?.stop();
});

type Created = Extract<RecordedEvent, { type: "stack.created" }>;

describe("timeouts", () => {
  it("fails a run submitted with timeoutMs 1000 that sleeps 10 s with TIMEOUT within a few seconds", async () => {
    const started = Date.now();
    const { status, body } = await tasker.request<{ taskRunId: string }>("POST", "/tasks", { taskName: "sleepy-reminder", input: { steps: 1, sleepMs: 10_000 }, timeoutMs: 1000 });
    expect(status).toBe(202);
    const run = await tasker.result(body.taskRunId, 20);
    expect(run).toMatchObject({ status: "failed", error: { code: "TIMEOUT" } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("rejects a child past its timeoutMs with TIMEOUT, catchably, and cancels the child's sleep", async () => {
    const run = await tasker.run("impatient", {});
    expect(run).toMatchObject({ status: "completed", result: "TIMEOUT" });
    const events = await tasker.events(`run:${run.taskRunId}`);
    const childSleep = events.find((event): event is Created => event.type === "stack.created" && event.data.service === "sleep" && event.data.depth === 2)!;
    const settled = events.filter((event) => (event.type === "stack.completed" || event.type === "stack.failed") && event.data.stackRunId === childSleep.data.stackRunId);
    expect(settled).toMatchObject([{ type: "stack.failed", data: { error: { code: "CANCELLED" } } }]);
  });

  it("answers 400 naming timeoutMs for a timeout that is not a positive integer up to TASKER_MAX_TIMER_MS", async () => {
    for (const timeoutMs of [-1, 0, "x", 1.5, 3_600_001]) {
      const { status, body } = await tasker.request<{ error: { field: string } }>("POST", "/tasks", { taskName: "sleepy-reminder", timeoutMs });
      expect({ timeoutMs, status, field: body.error?.field }).toEqual({ timeoutMs, status: 400, field: "timeoutMs" });
    }
  });
});
