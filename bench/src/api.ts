// `npm run bench -- api`: the run inspector's list, `GET /tasks`, over HTTP against a gateway process
// (`tasker start gateway`) with BENCH_API_RUNS (default 100,000) runs in its namespace, and a tenth as
// many in another: the first page, a page filtered by status and task, and a page deep in the list
// (from a cursor 50,000 runs down), each requested BENCH_API_REQUESTS times (default 500) one after
// another; p50/p99 in milliseconds. The store is filled with one SQL statement (each run's
// `run.submitted` event and its `task_runs` row: what the list reads), not run by run.
import { eventStoreMigrations, openDatabase, pooledSql } from "@tasker/event-store";
import { readModelMigrations } from "@tasker/read-models";
import { createTestDatabase, createTestSubjects, freePort, startServiceProcess, TEST_NATS_URL } from "@tasker/testing";
import { percentile, report, round, since } from "./_stats.js";

const RUNS = Number(process.env["BENCH_API_RUNS"] ?? 100_000);
const REQUESTS = Number(process.env["BENCH_API_REQUESTS"] ?? 500);
const TASKS = 20;
const STATUSES = ["completed", "completed", "completed", "completed", "completed", "completed", "failed", "cancelled", "suspended", "processing"];

const database = await createTestDatabase();
const subjects = createTestSubjects();
const dataSource = await openDatabase({ url: database.url, migrations: [...eventStoreMigrations, ...readModelMigrations] });
const sql = pooledSql(dataSource);

/** `count` runs of `namespace`, one every 10 s back from now, over TASKS tasks and STATUSES, ended ones 0–60 s long. */
async function fill(namespace: string, count: number): Promise<void> {
  await sql.rows(
    `WITH runs AS (
       SELECT i, gen_random_uuid() AS id, 'bench-task-' || (i % ${TASKS}) AS task_name, (ARRAY['${STATUSES.join("','")}'])[1 + i % ${STATUSES.length}] AS status,
              now() - i * interval '10 seconds' AS created_at
       FROM generate_series(1, $2::int) i),
     submitted AS (
       INSERT INTO events (stream_id, version, event_id, type, data, metadata, recorded_at)
       SELECT 'run:' || id, 1, gen_random_uuid(), 'run.submitted',
              json_build_object('taskRunId', id, 'namespace', $1::text, 'taskName', task_name, 'taskVersion', 'v1', 'input', json_build_object('i', i), 'idempotencyKey', null),
              '{}', created_at
       FROM runs RETURNING position, stream_id)
     INSERT INTO task_runs (task_run_id, namespace, task_name, task_version, submitted_position, status, created_at, updated_at)
     SELECT r.id, $1, r.task_name, 'v1', s.position, r.status, r.created_at,
            r.created_at + CASE WHEN r.status IN ('completed', 'failed', 'cancelled') THEN (r.i % 60) * interval '1 second' ELSE interval '0' END
     FROM runs r JOIN submitted s ON s.stream_id = 'run:' || r.id`,
    [namespace, count],
  );
}

const filling = performance.now();
await fill("default", RUNS);
await fill("other-team", Math.ceil(RUNS / 10));
await sql.rows("ANALYZE task_runs");
const fillMs = since(filling);

const port = await freePort();
const gateway = await startServiceProcess(["gateway"], { DATABASE_URL: database.url, NATS_URL: TEST_NATS_URL, TASKER_SUBJECT_PREFIX: subjects.prefix, PORT: String(port) });
const url = gateway.gatewayUrl ?? `http://127.0.0.1:${port}`;

interface Page {
  items: unknown[];
  nextCursor?: string;
}

async function get(query: string): Promise<Page> {
  const response = await fetch(`${url}/tasks${query}`);
  if (response.status !== 200) throw new Error(`GET /tasks${query} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as Page;
}

/** p50/p99 (ms) of REQUESTS requests of `query` in a row, after a few to warm up. */
async function measure(query: string): Promise<{ p50Ms: number; p99Ms: number; maxMs: number; items: number }> {
  for (let i = 0; i < 20; i++) await get(query);
  const latencies: number[] = [];
  let items = 0;
  for (let i = 0; i < REQUESTS; i++) {
    const start = performance.now();
    items = (await get(query)).items.length;
    latencies.push(since(start));
  }
  return { p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), maxMs: round(Math.max(...latencies)), items };
}

try {
  let cursor: string | undefined;
  for (let page = 0; page < 100; page++) cursor = (await get(`?limit=500${cursor ? `&cursor=${cursor}` : ""}`)).nextCursor;
  if (!cursor) throw new Error(`no page after ${100 * 500} runs`);
  report({
    benchmark: "GET /tasks",
    runs: RUNS,
    otherNamespaceRuns: Math.ceil(RUNS / 10),
    fillSeconds: round(fillMs / 1000, 1),
    requestsEach: REQUESTS,
    firstPage: await measure(""),
    filteredPage: await measure("?status=failed&taskName=bench-task-6"),
    sincePage: await measure(`?since=${encodeURIComponent(new Date(Date.now() - 86_400_000).toISOString())}&status=completed`),
    deepCursorPage: await measure(`?cursor=${cursor}`),
  });
} finally {
  await gateway.kill();
  await dataSource.destroy();
  await Promise.all([database.drop(), subjects.remove()]);
}
