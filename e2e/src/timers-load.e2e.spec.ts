import { DEFAULT_LAYOUT, eventually, sleepTimings, TaskerSystem } from "@tasker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * Many runs sleeping at once, with two timers instances of which one is SIGKILLed and restarted while
 * the timers fire: every sleep completes once, never before its due time, and within 3 s of it.
 * `TASKER_TIMER_RUNS` runs (200 by default, so the suite stays quick on a 2-core machine; 1000 is the
 * target figure: `TASKER_TIMER_RUNS=1000 npx vitest run e2e/src/timers-load.e2e.spec.ts`).
 */
const RUNS = Number(process.env["TASKER_TIMER_RUNS"] ?? 200);
const SLEEP_MS = 2000;
const SUBMITTERS = 16;

let tasker: TaskerSystem;

beforeAll(async () => {
  tasker = await TaskerSystem.start({ TASKER_TIMER_CLAIM_MS: "1500", DATABASE_POOL_SIZE: "5" }, { ...DEFAULT_LAYOUT, "timers-2": "timers" });
  await tasker.publish("nap", `module.exports = async (input, { tools }) => { await tools.sleep(${SLEEP_MS}); return new Date().toISOString(); };`);
});

afterAll(async () => {
  await tasker?.stop();
});

describe(`${RUNS} runs sleeping ${SLEEP_MS} ms`, () => {
  it("all wake once, never early, within 3 s of their due time, through a SIGKILL of a timers process", { timeout: 300_000 }, async () => {
    const taskRunIds: string[] = [];
    await Promise.all(
      Array.from({ length: SUBMITTERS }, async (_, submitter) => {
        for (let i = submitter; i < RUNS; i += SUBMITTERS) taskRunIds.push(await tasker.submit("nap", { i }));
      }),
    );
    const completed = async () => (await sleepTimings(tasker, taskRunIds)).filter((timing) => timing.completedAt !== null).length;
    await eventually(async () => (await completed()) >= RUNS / 4, "a quarter of the sleeps completed", 60_000);
    await tasker.kill("timers", "SIGKILL");
    await tasker.startService("timers");
    await eventually(async () => (await completed()) === RUNS, "every sleep completed", 120_000);

    const timings = await sleepTimings(tasker, taskRunIds);
    expect(timings).toHaveLength(RUNS);
    const lateness = timings.map((timing) => timing.completedAt! - timing.dueAt).sort((a, b) => a - b);
    expect(lateness[0]).toBeGreaterThanOrEqual(0);
    expect(lateness.at(-1)).toBeLessThan(3000);
    console.log(`${RUNS} sleeps of ${SLEEP_MS} ms: lateness p50 ${lateness[Math.floor(RUNS / 2)]} ms, p99 ${lateness[Math.ceil(RUNS * 0.99) - 1]} ms, max ${lateness.at(-1)} ms`);

    const runs = await Promise.all(taskRunIds.map((taskRunId) => tasker.result(taskRunId, 60)));
    for (const [index, run] of runs.entries()) {
      expect(run.status).toBe("completed");
      expect(Date.parse(run.result as string)).toBeGreaterThanOrEqual(timings.find((timing) => timing.taskRunId === taskRunIds[index])!.dueAt);
    }
  });
});
