// database-proxy on the real PostgreSQL, every service its own process, one database-proxy
// instance: the proxy's overhead per call (a select of one row by its key), and calls per second.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { DEFAULT_LAYOUT, TASKER_CLI, TaskerSystem } from "@tasker/testing";
import pg from "pg";
import { benchServiceCalls, timings } from "./_service-calls.js";

const MIGRATIONS = new URL("../../tasks/migrations/", import.meta.url).pathname;

/** Prints D1 (sequential calls: overhead per call) and D2 (1000 calls at once, from 10 runs and from 100: calls/s) for database-proxy. */
export async function benchDatabaseProxy(): Promise<void> {
  const tasker = await TaskerSystem.start({}, { ...DEFAULT_LAYOUT, "database-proxy": "database-proxy" });
  try {
    await promisify(execFile)(process.execPath, [TASKER_CLI, "db", "migrate", MIGRATIONS], { env: { ...process.env, DATABASE_URL: tasker.env.databaseUrl } });
    const [{ id }] = await tasker.sql<{ id: number }>("INSERT INTO task_data.notes (title) VALUES ('bench') RETURNING id::int AS id");
    // PostgreSQL's own time for the same statement, from a client of this process.
    const client = new pg.Client({ connectionString: tasker.env.databaseUrl });
    await client.connect();
    const sqlRtt = await timings(200, () => client.query(`select "id", "title" from "task_data"."notes" where "id" = $1 limit $2`, [id, 1000]));
    await client.end();
    await benchServiceCalls(tasker, {
      process: "database-proxy",
      service: "database",
      letter: "D",
      call: `tools.database.from("notes").select("id,title").eq("id", input.id).single().then(({ error }) => { if (error) throw new Error(error.message); })`,
      input: { id },
      baseline: { name: "sql_rtt", samples: sqlRtt },
    });
  } finally {
    await tasker.stop();
  }
}
