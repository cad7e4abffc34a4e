import { setTimeout as sleep } from "node:timers/promises";
import { runStreamId } from "@tasker/contracts";
import { pooledSql } from "@tasker/event-store";
import { loadConfig, startServices } from "@tasker/platform";
import { createIsolatedEnvironment, eventually, HandRun, type IsolatedEnvironment } from "@tasker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { timersService } from "../index.js";

/** 0.864 s, in days: a horizon a test can wait out. */
const TINY_DAYS = "0.00001";

let env: IsolatedEnvironment;
const config = (retentionDays?: string) =>
  loadConfig({ DATABASE_URL: env.databaseUrl, NATS_URL: env.natsUrl, TASKER_SUBJECT_PREFIX: env.prefix, ...(retentionDays ? { TASKER_RETENTION_DAYS: retentionDays } : {}) });

beforeAll(async () => {
  env = await createIsolatedEnvironment();
});

afterAll(async () => {
  await env?.cleanup();
});

describe("the timers service with TASKER_RETENTION_DAYS", () => {
  it("keeps ended runs when unset, and sweeps those past the horizon at its start when set", async () => {
    const unset = await startServices(config(), [timersService], "timers");
    const run = new HandRun(unset.platform.store);
    await run.submit();
    await run.finish(1, "done");
    await unset.platform.store.append(run.streamId, "any", [{ type: "run.completed", data: { taskRunId: run.taskRunId, result: "done" } }]);
    await sleep(1000); // past the horizon of TINY_DAYS
    await unset.close();
    const kept = await startServices(config(), [timersService], "timers");
    await sleep(500);
    expect(await kept.platform.store.readStream(runStreamId(run.taskRunId))).toHaveLength(5);
    await kept.close();

    const sweeping = await startServices(config(TINY_DAYS), [timersService], "timers");
    try {
      await eventually(async () => (await sweeping.platform.store.readStream(runStreamId(run.taskRunId))).length === 0, "the ended run was swept");
    } finally {
      await sweeping.close();
    }
  });

  it("stops within a second while sweeping a large backlog (retention just turned on), the rest left to its next sweep", async () => {
    const filler = await startServices(config(), [timersService], "timers");
    const run = new HandRun(filler.platform.store);
    await run.submit();
    await run.finish(1, "done");
    await filler.platform.store.append(run.streamId, "any", [{ type: "run.completed", data: { taskRunId: run.taskRunId, result: "done" } }]);
    // A backlog of ended runs: copies of this one's row (their events are not needed to be swept).
    const sql = pooledSql(filler.platform.dataSource);
    await sql.rows(`INSERT INTO task_runs SELECT (jsonb_populate_record(t, jsonb_build_object('task_run_id', gen_random_uuid()))).* FROM task_runs t, generate_series(1, 100000)`);
    await sleep(1000); // past the horizon of TINY_DAYS
    await filler.close();

    const sweeping = await startServices(config(TINY_DAYS), [timersService], "timers");
    const watch = pooledSql(sweeping.platform.dataSource);
    const count = async () => Number((await watch.rows<{ count: string }>("SELECT count(*) FROM task_runs"))[0]!.count);
    await eventually(async () => (await count()) < 100_001, "the sweep has begun");
    const stopping = Date.now();
    await sweeping.close();
    expect(Date.now() - stopping).toBeLessThan(1000);
    // Stopped mid-sweep: ended runs are left for the next sweep.
    const again = await startServices(config(), [timersService], "timers");
    try {
      const [row] = await pooledSql(again.platform.dataSource).rows<{ count: string }>("SELECT count(*) FROM task_runs");
      expect(Number(row!.count)).toBeGreaterThan(0);
    } finally {
      await again.close();
    }
  }, 120_000);
});
