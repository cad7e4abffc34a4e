import { newId, type TaskerEvent } from "@tasker/contracts";
import { pooledSql } from "@tasker/event-store";
import { loadConfig, openPlatform, type Platform } from "@tasker/platform";
import { RUN_OPEN, RunStates, stackGuard } from "@tasker/run-model";
import { createIsolatedEnvironment, HandRun, type IsolatedEnvironment } from "@tasker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimDueTimers } from "./sql/claim-due-timers.js";
import { msUntilNextDue } from "./sql/ms-until-next-due.js";
import { TimerFirer } from "./timer-firer.js";

let env: IsolatedEnvironment;
let platform: Platform;

beforeAll(async () => {
  env = await createIsolatedEnvironment();
  platform = await openPlatform(loadConfig({ DATABASE_URL: env.databaseUrl, NATS_URL: env.natsUrl, TASKER_SUBJECT_PREFIX: env.prefix }), "timers-test");
});

afterAll(async () => {
  await platform?.close();
  await env?.cleanup();
});

/** A run whose root sleeps: `tools.sleep` made with the given due time. Returns the run and the sleep's id. */
async function sleepingRun(dueAt: string): Promise<{ run: HandRun; sleepId: string }> {
  const run = new HandRun(platform.store);
  await run.submit();
  const sleepId = newId();
  const events: TaskerEvent[] = [
    { type: "stack.created", data: { stackRunId: sleepId, parentStackRunId: run.rootId, seq: 0, service: "sleep", method: ["sleep"], args: [1000], depth: 1, taskVersion: null, dueAt } },
    { type: "vm.suspended", data: { stackRunId: run.rootId, activation: 1, at: 1, waitingOn: [0], worker: "executor-a1" } },
  ];
  await platform.store.append(run.streamId, [{ guard: stackGuard(run.rootId), version: 0 }, RUN_OPEN], events);
  return { run, sleepId };
}

const firer = () => new TimerFirer(platform.store, pooledSql(platform.dataSource), new RunStates(platform.store));
const timersOf = (run: HandRun) => pooledSql(platform.dataSource).rows<{ claimed_until: Date | null }>(`SELECT claimed_until FROM timers WHERE task_run_id = $1`, [run.taskRunId]);

describe("firing timers", () => {
  it("claims a due timer once, and two firers of it complete the sleep once", async () => {
    const { run, sleepId } = await sleepingRun(new Date(Date.now() - 10).toISOString());
    const sql = pooledSql(platform.dataSource);
    const [first, second] = await Promise.all([claimDueTimers(sql, 5000, 100), claimDueTimers(sql, 5000, 100)]);
    const claimed = [...first!, ...second!].filter((timer) => timer.stackRunId === sleepId);
    expect(claimed).toHaveLength(1);
    const outcomes = await Promise.all([firer().fire(claimed[0]!), firer().fire(claimed[0]!)]);
    expect(outcomes.sort()).toEqual(["fired", "spent"]);
    const completions = (await platform.store.readStream(run.streamId)).filter((event) => event.type === "stack.completed");
    expect(completions).toMatchObject([{ data: { stackRunId: sleepId, result: null } }]);
    expect(await timersOf(run)).toEqual([]);
  });

  it("never fires a timer early: one not due by this clock is handed back, and the next look waits for it", async () => {
    const dueAt = new Date(Date.now() + 60_000).toISOString();
    const { run, sleepId } = await sleepingRun(dueAt);
    expect(await firer().fire({ stackRunId: sleepId, taskRunId: run.taskRunId, dueAt })).toBe("early");
    expect((await platform.store.readStream(run.streamId)).map((event) => event.type)).not.toContain("stack.completed");
    const [row] = await timersOf(run);
    expect(row!.claimed_until!.getTime()).toBeGreaterThan(Date.now() + 50_000);
    expect(await msUntilNextDue(pooledSql(platform.dataSource))).not.toBe(0);
  });

  it("forgets the timer of a run that ended", async () => {
    const { run, sleepId } = await sleepingRun(new Date(Date.now() - 10).toISOString());
    await platform.store.append(run.streamId, { guard: "run", version: 0 }, [{ type: "run.cancelled", data: { taskRunId: run.taskRunId, reason: null } }]);
    expect(await timersOf(run)).toEqual([]);
    expect(await firer().fire({ stackRunId: sleepId, taskRunId: run.taskRunId, dueAt: new Date().toISOString() })).toBe("spent");
  });
});
