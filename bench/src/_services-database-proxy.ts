// database-proxy on the real PostgreSQL, every service its own process, one database-proxy
// instance: the proxy's overhead per call (a select of one row by its key), and calls per second.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { RecordedEvent } from "@tasker/contracts";
import { DEFAULT_LAYOUT, TASKER_CLI, TaskerSystem } from "@tasker/testing";
import pg from "pg";
import { addCallSpans, emptyCallSpans } from "./_call-spans.js";
import { percentile, report, round } from "./_stats.js";

const LAYOUT = { ...DEFAULT_LAYOUT, "database-proxy": "database-proxy" };
const MIGRATIONS = new URL("../../tasks/migrations/", import.meta.url).pathname;
const SEQUENTIAL_CALLS = 20;
const SEQUENTIAL_RUNS = 15;
const SELECT_ONE = `tools.database.from("notes").select("id,title").eq("id", input.id).single()`;

/** Prints D1 (sequential calls: overhead per call) and D2 (1000 calls at once, from 10 runs and from 100: calls/s) for database-proxy. */
export async function benchDatabaseProxy(): Promise<void> {
  const tasker = await TaskerSystem.start({}, LAYOUT);
  try {
    await promisify(execFile)(process.execPath, [TASKER_CLI, "db", "migrate", MIGRATIONS], { env: { ...process.env, DATABASE_URL: tasker.env.databaseUrl } });
    const [{ id }] = await tasker.sql<{ id: number }>("INSERT INTO task_data.notes (title) VALUES ('bench') RETURNING id::int AS id");
    await tasker.publish(
      "bench-db-sequential",
      `module.exports = async (input, { tools }) => {
         for (let i = 0; i < input.n; i++) { const { error } = await ${SELECT_ONE}; if (error) throw new Error(error.message); }
         return input.n;
       };`,
    );
    await tasker.publish("bench-db-parallel", `module.exports = async (input, { tools }) => (await Promise.all(Array.from({ length: input.n }, () => ${SELECT_ONE}))).length;`);

    async function timed(taskName: string, n: number): Promise<{ ms: number; events: RecordedEvent[] }> {
      const start = performance.now();
      const run = await tasker.result(await tasker.submit(taskName, { n, id }), 120);
      if (run.status !== "completed") throw new Error(`${taskName} ${run.status}: ${JSON.stringify(run.error)}`);
      return { ms: performance.now() - start, events: await tasker.events(`run:${run.taskRunId}`) };
    }

    // PostgreSQL's own time for the same statement, from a client of this process.
    const client = new pg.Client({ connectionString: tasker.env.databaseUrl });
    await client.connect();
    const sqlRtt: number[] = [];
    for (let i = 0; i < 200; i++) {
      const start = performance.now();
      await client.query(`select "id", "title" from "task_data"."notes" where "id" = $1 limit $2`, [id, 1000]);
      sqlRtt.push(performance.now() - start);
    }
    await client.end();

    await timed("bench-db-sequential", 5); // warms the consumers, the pools and the catalog
    const perCall: number[] = [];
    const spans = emptyCallSpans();
    for (let i = 0; i < SEQUENTIAL_RUNS; i++) {
      const { ms, events } = await timed("bench-db-sequential", SEQUENTIAL_CALLS);
      perCall.push(ms / SEQUENTIAL_CALLS);
      addCallSpans(spans, events, "database");
    }
    report({
      service: "database-proxy",
      workload: "D1",
      calls: SEQUENTIAL_RUNS * SEQUENTIAL_CALLS,
      run_ms_per_call_p50: round(percentile(perCall, 50)),
      run_ms_per_call_p99: round(percentile(perCall, 99)),
      created_to_completed_p50_ms: round(percentile(spans.createdToCompleted, 50)),
      created_to_completed_p99_ms: round(percentile(spans.createdToCompleted, 99)),
      created_to_started_p50_ms: round(percentile(spans.createdToStarted, 50)),
      started_to_completed_p50_ms: round(percentile(spans.startedToCompleted, 50)),
      started_to_completed_p99_ms: round(percentile(spans.startedToCompleted, 99)),
      sql_rtt_p50_ms: round(percentile(sqlRtt, 50)),
    });

    await timed("bench-db-parallel", 50);
    for (const [runs, calls] of [[10, 100], [100, 10]] as const) {
      let best = 0;
      let bestWall = 0;
      for (let round_ = 0; round_ < 2; round_++) {
        const start = performance.now();
        const done = await Promise.all(Array.from({ length: runs }, () => timed("bench-db-parallel", calls)));
        bestWall = Math.max(bestWall, (runs * calls) / ((performance.now() - start) / 1000));
        const spans = emptyCallSpans();
        for (const { events } of done) addCallSpans(spans, events, "database");
        best = Math.max(best, (runs * calls) / ((Math.max(...spans.last) - Math.min(...spans.first)) / 1000));
      }
      report({ service: "database-proxy", workload: "D2", instances: 1, runs, calls_per_run: calls, calls_per_s: round(best, 1), end_to_end_calls_per_s: round(bestWall, 1) });
    }
  } finally {
    await tasker.stop();
  }
}
