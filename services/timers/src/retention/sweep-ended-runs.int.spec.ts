import { runStreamId } from "@tasker/contracts";
import { EventStore, eventStoreMigrations, openDatabase, pooledSql } from "@tasker/event-store";
import { readModelMigrations, readModelsProjection } from "@tasker/read-models";
import { createTestDatabase, HandRun, type TestDatabase } from "@tasker/testing";
import type { DataSource } from "typeorm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sweepEndedRuns } from "./sweep-ended-runs.js";

const DAYS = 30;
const MS_PER_DAY = 24 * 3600 * 1000;

let database: TestDatabase;
let dataSource: DataSource;
let store: EventStore;

beforeAll(async () => {
  database = await createTestDatabase();
  dataSource = await openDatabase({ url: database.url, migrations: [...eventStoreMigrations, ...readModelMigrations] });
  // No publisher: the runs' events stay in the outbox, which the sweep must empty of them too.
  store = new EventStore({ dataSource, projections: [readModelsProjection] });
});

afterAll(async () => {
  await dataSource?.destroy();
  await database?.drop();
});

/** A run that logged a line and ended with `result`; answers it and when its end was recorded. */
async function endedRun(result: string): Promise<{ run: HandRun; endedAt: Date }> {
  const run = new HandRun(store);
  await run.submit({ secret: "input" });
  await store.append(run.streamId, "any", [{ type: "log.appended", data: { stackRunId: run.rootId, level: "info", message: "hello", at: new Date().toISOString() } }]);
  await run.finish(1, result);
  const { events } = await store.append(run.streamId, "any", [{ type: "run.completed", data: { taskRunId: run.taskRunId, result } }]);
  return { run, endedAt: new Date(events[0]!.metadata.recordedAt) };
}

/** Every row kept of `run`, by table. */
async function rowsOf(run: HandRun): Promise<Record<string, number>> {
  const sql = pooledSql(dataSource);
  const count = async (query: string, id: string) => Number((await sql.rows<{ count: string }>(query, [id]))[0]!.count);
  const stream = runStreamId(run.taskRunId);
  return {
    events: await count(`SELECT count(*) FROM events WHERE stream_id = $1`, stream),
    streams: await count(`SELECT count(*) FROM streams WHERE stream_id = $1`, stream),
    stream_guards: await count(`SELECT count(*) FROM stream_guards WHERE stream_id = $1`, stream),
    outbox: await count(`SELECT count(*) FROM outbox o JOIN events e USING (position) WHERE e.stream_id = $1`, stream),
    task_runs: await count(`SELECT count(*) FROM task_runs WHERE task_run_id = $1`, run.taskRunId),
    task_run_logs: await count(`SELECT count(*) FROM task_run_logs WHERE task_run_id = $1`, run.taskRunId),
    stack_runs: await count(`SELECT count(*) FROM stack_runs WHERE task_run_id = $1`, run.taskRunId),
  };
}

/** The read models' rows, in a stable order. */
async function readModels(): Promise<Record<string, unknown[]>> {
  const sql = pooledSql(dataSource);
  const snapshot: Record<string, unknown[]> = {};
  for (const table of readModelsProjection.tables) snapshot[table] = await sql.rows(`SELECT * FROM ${table} ORDER BY 1, 2`);
  return snapshot;
}

describe("sweeping ended runs past the retention horizon", () => {
  it("deletes every row of the runs that ended before the horizon, and nothing of a recent one or of one still running", async () => {
    const suspended = new HandRun(store);
    await suspended.submit();
    await suspended.suspend(1, 1, [0]);
    const old = await endedRun("old");
    const older = await endedRun("older");
    await new Promise((resolve) => setTimeout(resolve, 20));
    const recent = await endedRun("recent");
    const before = { suspended: await rowsOf(suspended), old: await rowsOf(old.run), recent: await rowsOf(recent.run) };
    expect(before.old).toMatchObject({ events: 6, streams: 1, task_runs: 1, task_run_logs: 1 });
    expect(before.old.outbox).toBeGreaterThan(0);
    expect(before.old.stream_guards).toBeGreaterThan(0);
    expect(before.suspended.stack_runs).toBe(2);

    // The horizon falls between the two old runs' ends and the recent one's; the suspended run started before all of them.
    const horizon = new Date(Math.max(old.endedAt.getTime(), older.endedAt.getTime()) + 1);
    expect(recent.endedAt.getTime()).toBeGreaterThan(horizon.getTime());
    const outcome = await sweepEndedRuns(dataSource, { retentionDays: DAYS, now: new Date(horizon.getTime() + DAYS * MS_PER_DAY), batchSize: 1 });

    expect(outcome).toEqual({ skipped: false, runs: 2, events: 12 });
    const gone = { events: 0, streams: 0, stream_guards: 0, outbox: 0, task_runs: 0, task_run_logs: 0, stack_runs: 0 };
    expect(await rowsOf(old.run)).toEqual(gone);
    expect(await rowsOf(older.run)).toEqual(gone);
    expect(await rowsOf(recent.run)).toEqual(before.recent);
    expect(await rowsOf(suspended)).toEqual(before.suspended);
    expect(await store.readStream(old.run.streamId)).toEqual([]);
  });

  it("leaves read models that a rebuild from the remaining events reproduces", async () => {
    const { endedAt } = await endedRun("swept");
    await endedRun("kept");
    await sweepEndedRuns(dataSource, { retentionDays: DAYS, now: new Date(endedAt.getTime() + 1 + DAYS * MS_PER_DAY) });
    const swept = await readModels();
    expect(swept["task_runs"]!.length).toBeGreaterThan(0);
    await store.rebuildProjections();
    expect(await readModels()).toEqual(swept);
  });

  it("lets two instances sweep at once: each run is deleted once, and neither fails", async () => {
    await endedRun("contended");
    const now = new Date(Date.now() + (DAYS + 1) * MS_PER_DAY);
    const outcomes = await Promise.all([sweepEndedRuns(dataSource, { retentionDays: DAYS, now }), sweepEndedRuns(dataSource, { retentionDays: DAYS, now })]);
    const done = outcomes.filter((outcome) => !outcome.skipped);
    expect(done.length).toBeGreaterThanOrEqual(1);
    expect(done.reduce((runs, outcome) => runs + outcome.runs, 0)).toBeGreaterThan(0);
    const [left] = await pooledSql(dataSource).rows<{ count: string }>(`SELECT count(*) FROM task_runs WHERE status <> 'suspended'`);
    expect(Number(left!.count)).toBe(0);
  });
});
