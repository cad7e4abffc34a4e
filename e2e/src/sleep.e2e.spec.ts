import type { RecordedEvent } from "@tasker/contracts";
import { eventually, TaskerSystem } from "@tasker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** `tools.sleep(ms)`: a durable timer, fired by the timers service, never early. */
let tasker: TaskerSystem;

beforeAll(async () => {
  tasker = await TaskerSystem.start({ TASKER_MAX_TIMER_MS: "60000" });
  await tasker.publishExamples("sleepy-reminder");
  await tasker.publish("sleep-for", `module.exports = async (input, { tools }) => { const before = Date.now(); await tools.sleep(input.ms); return Date.now() - before; };`);
  await tasker.publish(
    "sleep-wrongly",
    `module.exports = async (input, { tools }) => {
       const outcomes = [];
       for (const ms of input.values) {
         try { await tools.sleep(ms); outcomes.push("slept"); } catch (error) { outcomes.push(error.code); }
       }
       return outcomes;
     };`,
  );
  await tasker.publish("sleep-an-hour", `module.exports = async (input, { tools }) => { await tools.sleep(3_600_000 / 120); return "woke"; };`);
});

afterAll(async () => {
  await tasker?.stop();
});

/** When the run's stream recorded `type` first (by the database's clock), epoch ms. */
async function submittedAt(taskRunId: string): Promise<number> {
  const { body } = await tasker.request<{ createdAt: string }>("GET", `/tasks/${taskRunId}`);
  return Date.parse(body.createdAt);
}

describe("tools.sleep", () => {
  it("wakes a run sleeping 2 s after 2 s, never earlier, and resumes it where it slept", async () => {
    const taskRunId = await tasker.submit("sleepy-reminder", { steps: 2, sleepMs: 2000 });
    const run = await tasker.result(taskRunId, 30);
    expect(run.status).toBe("completed");
    const { steps, wokeAt } = run.result as { steps: number; wokeAt: string[] };
    expect(steps).toBe(2);
    const submitted = await submittedAt(taskRunId);
    expect(Date.parse(wokeAt[0]!) - submitted).toBeGreaterThanOrEqual(2000);
    expect(Date.parse(wokeAt[1]!) - Date.parse(wokeAt[0]!)).toBeGreaterThanOrEqual(2000);
    expect(Date.parse(wokeAt[1]!) - submitted).toBeLessThan(4000 + 3000);
    expect(run.logs.map((line) => line.message)).toEqual(["step 1 of 2, after sleeping 2000 ms", "step 2 of 2, after sleeping 2000 ms"]);
    const events = await tasker.events(`run:${taskRunId}`);
    const sleeps = events.filter((event): event is Extract<RecordedEvent, { type: "stack.created" }> => event.type === "stack.created" && event.data.service === "sleep");
    expect(sleeps).toHaveLength(2);
    for (const sleep of sleeps) expect(sleep.data.dueAt).toEqual(expect.any(String));
  });

  it("resolves sleep(0) and negative sleeps at once", async () => {
    const started = Date.now();
    const runs = await Promise.all([tasker.run("sleep-for", { ms: 0 }), tasker.run("sleep-for", { ms: -5000 })]);
    for (const run of runs) expect(run).toMatchObject({ status: "completed" });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("rejects a sleep past TASKER_MAX_TIMER_MS, and one without a number, catchably", async () => {
    const run = await tasker.run("sleep-wrongly", { values: [60_001, "1000", null, 1] });
    expect(run).toMatchObject({ status: "completed", result: ["INVALID_ARGUMENT", "INVALID_ARGUMENT", "INVALID_ARGUMENT", "slept"] });
  });

  it("never fires the timer of a run cancelled while it sleeps", async () => {
    const taskRunId = await tasker.submit("sleep-an-hour", {});
    await eventually(async () => (await tasker.request<{ status: string }>("GET", `/tasks/${taskRunId}`)).body.status === "suspended", "the run sleeps");
    await tasker.request("POST", `/tasks/${taskRunId}/cancel`, { reason: "no need" });
    expect(await tasker.result(taskRunId, 20)).toMatchObject({ status: "cancelled" });
    // Its timer was due in 30 s: by then it would have fired. Its row went with the run's end.
    const rows = await tasker.sql<{ n: number }>(`SELECT count(*)::int AS n FROM timers WHERE task_run_id = $1`, [taskRunId]);
    expect(rows[0]!.n).toBe(0);
    const events = await tasker.events(`run:${taskRunId}`);
    const end = events.findIndex((event) => event.type === "run.cancelled");
    expect(events.slice(end + 1).filter((event) => event.type === "stack.completed")).toEqual([]);
  });
});
