// `npm run bench -- retention`: how long the retention sweep of a `tasker start timers` takes over
// BENCH_RETENTION_RUNS (default 20000) ended runs, from its process's start to its "retention:
// deleted" line, and what it does to the hot path meanwhile: the latency of appends to live runs
// (their own stream heads, the same tables) during the sweep, against the same appends without it.
import { EventStore, eventStoreMigrations, openDatabase, pooledSql } from "@tasker/event-store";
import { readModelMigrations, readModelsProjection } from "@tasker/read-models";
import { createTestDatabase, createTestSubjects, HandRun, startServiceProcess, TEST_NATS_URL } from "@tasker/testing";
import { percentile, report, round, since } from "./_stats.js";

const RUNS = Number(process.env["BENCH_RETENTION_RUNS"] ?? 20_000);
const WRITERS = 16;
/** 0.864 s: every run made before the wait below is past it. */
const DAYS = 0.00001;

const database = await createTestDatabase();
const subjects = createTestSubjects();
const dataSource = await openDatabase({ url: database.url, migrations: [...eventStoreMigrations, ...readModelMigrations], poolSize: WRITERS + 4 });
const store = new EventStore({ dataSource, projections: [readModelsProjection] });

/** A run as the test's: submitted, a log line, its root completed, the run completed (6 events). */
async function endedRun(): Promise<void> {
  const run = new HandRun(store);
  await run.submit({ n: 1 });
  await store.append(run.streamId, "any", [{ type: "log.appended", data: { stackRunId: run.rootId, level: "info", message: "hello", at: new Date().toISOString() } }]);
  await run.finish(1, "done");
  await store.append(run.streamId, "any", [{ type: "run.completed", data: { taskRunId: run.taskRunId, result: "done" } }]);
}

let made = 0;
const filling = performance.now();
await Promise.all(
  Array.from({ length: WRITERS }, async () => {
    while (made < RUNS) {
      made++;
      await endedRun();
    }
  }),
);
const fillMs = since(filling);
await new Promise((resolve) => setTimeout(resolve, 1000));

/** Appends log lines to live runs (suspended, never swept) until `done`; answers each append's latency. */
async function hotPath(done: () => boolean): Promise<number[]> {
  const live = await Promise.all(
    Array.from({ length: 4 }, async () => {
      const run = new HandRun(store);
      await run.submit();
      await run.suspend(1, 1, [0]);
      return run;
    }),
  );
  const latencies: number[] = [];
  await Promise.all(
    live.map(async (run) => {
      while (!done()) {
        const start = performance.now();
        await store.append(run.streamId, "any", [{ type: "log.appended", data: { stackRunId: run.rootId, level: "info", message: "live", at: new Date().toISOString() } }]);
        latencies.push(since(start));
      }
    }),
  );
  return latencies;
}

const summary = (latencies: number[]) => ({ appends: latencies.length, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), maxMs: Math.max(...latencies) });

const quietUntil = performance.now() + 5000;
const quiet = await hotPath(() => performance.now() > quietUntil);

let sweeping = true;
const sweepStart = performance.now();
/** The timers service sweeps at its start; answers its "retention: deleted" line once written. */
async function sweep(): Promise<string> {
  const env = { DATABASE_URL: database.url, NATS_URL: TEST_NATS_URL, TASKER_SUBJECT_PREFIX: subjects.prefix, TASKER_RETENTION_DAYS: String(DAYS), TASKER_LOG_FORMAT: "json" };
  const timers = await startServiceProcess(["timers"], env, 60_000);
  try {
    for (;;) {
      const line = /^\{.*retention: deleted.*$/m.exec(timers.output())?.[0];
      if (line !== undefined) return (JSON.parse(line) as { message: string }).message;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await timers.kill();
  }
}
const [outcome, during] = await Promise.all([sweep().finally(() => (sweeping = false)), hotPath(() => !sweeping)]);
const sweepMs = since(sweepStart);
const [left] = await pooledSql(dataSource).rows<{ count: string }>("SELECT count(*) FROM events");

report({
  benchmark: "retention sweep",
  runs: RUNS,
  fillSeconds: round(fillMs / 1000, 1),
  outcome,
  startAndSweepSeconds: round(sweepMs / 1000, 2),
  runsPerSecond: Math.round((RUNS / sweepMs) * 1000),
  eventsLeft: Number(left!.count),
  hotPathWithoutSweep: summary(quiet),
  hotPathDuringSweep: summary(during),
});

await dataSource.destroy();
await Promise.all([database.drop(), subjects.remove()]);
