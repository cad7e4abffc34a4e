import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { createTestDatabase, eventually, type TestDatabase } from "@tasker/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabaseClient } from "./database-client.js";
import { loadDatabaseConfig } from "./database-config.js";
import { DatabaseQuery } from "./database-query.js";
import { migrateSchema } from "./migrate-schema.js";
import { schemaFor } from "./namespace-schema.js";
import { type DatabaseClient, runQuery } from "./run-query.js";

const MIGRATIONS = fileURLToPath(new URL("../../../tasks/migrations/", import.meta.url));

// A retried call is the same call (same stackRunId) run again after its first attempt committed and its answer was lost.
describe("database writes are exactly-once per call, on the real PostgreSQL", () => {
  let database: TestDatabase;
  let client: DatabaseClient;
  const query = (value: unknown, stackRunId: string) => runQuery(client, DatabaseQuery.parse(value), { namespace: "default", stackRunId });
  const sql = async <Row = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<Row[]> => {
    const connection = new pg.Client({ connectionString: database.url });
    await connection.connect();
    try {
      return (await connection.query(text, values)).rows as Row[];
    } finally {
      await connection.end();
    }
  };
  const logged = async () => (await sql<{ label: string }>("SELECT label FROM task_data.log ORDER BY id")).map((row) => row.label);

  beforeAll(async () => {
    database = await createTestDatabase();
    await migrateSchema(database.url, "task_data", MIGRATIONS);
    await sql("CREATE TABLE task_data.log (id serial PRIMARY KEY, label text NOT NULL)");
    client = await openDatabaseClient(loadDatabaseConfig(database.url, {}), 4, 10_000);
  });
  afterAll(async () => {
    await client?.pool.end();
    await database?.drop();
  });

  it("runs a write once: the same call again inserts nothing and answers what the first attempt answered", async () => {
    const call = randomUUID();
    const first = await query({ table: "log", action: "insert", rows: [{ label: "once" }], columns: "id,label" }, call);
    expect(first).toMatchObject({ error: null, status: 201, data: [{ id: expect.any(Number), label: "once" }] });
    expect(await query({ table: "log", action: "insert", rows: [{ label: "once" }], columns: "id,label" }, call)).toEqual(first);
    expect(await logged()).toEqual(["once"]);

    const anotherCall = await query({ table: "log", action: "insert", rows: [{ label: "once" }], columns: "id,label" }, randomUUID());
    expect(anotherCall.data).not.toEqual(first.data);
    expect(await logged()).toEqual(["once", "once"]);
  });

  it("answers a repeated update or delete as first answered, though the rows have changed since", async () => {
    await query({ table: "log", action: "insert", rows: [{ label: "old" }] }, randomUUID());
    const update = randomUUID();
    const updated = await query({ table: "log", action: "update", values: { label: "new" }, filters: [{ column: "label", op: "eq", value: "old" }], columns: "label" }, update);
    expect(updated.data).toEqual([{ label: "new" }]);
    const remove = randomUUID();
    const deleted = await query({ table: "log", action: "delete", filters: [{ column: "label", op: "eq", value: "new" }], columns: "label" }, remove);
    expect(deleted.data).toEqual([{ label: "new" }]);
    await query({ table: "log", action: "insert", rows: [{ label: "old" }] }, randomUUID());

    expect(await query({ table: "log", action: "update", values: { label: "new" }, filters: [{ column: "label", op: "eq", value: "old" }], columns: "label" }, update)).toEqual(updated);
    expect(await query({ table: "log", action: "delete", filters: [{ column: "label", op: "eq", value: "new" }], columns: "label" }, remove)).toEqual(deleted);
    expect(await logged()).toEqual(["once", "once", "old"]);
  });

  it("writes once when two attempts of one call run at the same time: the second waits and answers the first's result", async () => {
    const before = await logged();
    const blocker = new pg.Client({ connectionString: database.url });
    await blocker.connect();
    try {
      // Holds the first attempt inside its write, after its claim, until both attempts are waiting.
      await blocker.query("BEGIN; LOCK TABLE task_data.log IN EXCLUSIVE MODE");
      const call = randomUUID();
      const attempts = [1, 2].map(() => query({ table: "log", action: "insert", rows: [{ label: "racing" }], columns: "id" }, call));
      await eventually(async () => (await sql<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"))[0]!.n === 2, "both attempts wait");
      await blocker.query("COMMIT");
      const [first, second] = await Promise.all(attempts);
      expect(first).toMatchObject({ error: null, data: [{ id: expect.any(Number) }] });
      expect(second).toEqual(first);
    } finally {
      await blocker.end();
    }
    expect(await logged()).toEqual([...before, "racing"]);
  });

  it("keeps nothing of a write that fails a constraint: its retry meets the same error, and writes once the conflict is gone", async () => {
    await query({ table: "notes", action: "insert", rows: [{ title: "taken" }] }, randomUUID());
    const call = randomUUID();
    const failed = await query({ table: "notes", action: "insert", rows: [{ title: "taken", body: "mine" }] }, call);
    expect(failed).toMatchObject({ data: null, status: 409, error: { code: "23505" } });
    expect(await sql("SELECT 1 FROM task_data.tasker_call_results WHERE stack_run_id = $1", [call])).toEqual([]);
    expect(await query({ table: "notes", action: "insert", rows: [{ title: "taken", body: "mine" }] }, call)).toEqual(failed);

    await sql("DELETE FROM task_data.notes WHERE title = 'taken'");
    expect(await query({ table: "notes", action: "insert", rows: [{ title: "taken", body: "mine" }] }, call)).toMatchObject({ error: null, status: 201 });
    expect(await sql("SELECT body FROM task_data.notes WHERE title = 'taken'")).toEqual([{ body: "mine" }]);
  });

  it("records no read, hides the record from tasks, and creates it again when it was dropped while the proxy runs", async () => {
    const read = randomUUID();
    await query({ table: "log", action: "select" }, read);
    expect(await sql("SELECT 1 FROM task_data.tasker_call_results WHERE stack_run_id = $1", [read])).toEqual([]);
    expect((await query({ table: "tasker_call_results", action: "select" }, randomUUID())).error).toMatchObject({ code: "42P01" });

    await sql("DROP TABLE task_data.tasker_call_results");
    const call = randomUUID();
    const answer = await query({ table: "log", action: "insert", rows: [{ label: "after drop" }], columns: "label" }, call);
    expect(answer).toMatchObject({ error: null, data: [{ label: "after drop" }] });
    expect(await query({ table: "log", action: "insert", rows: [{ label: "after drop" }], columns: "label" }, call)).toEqual(answer);
    expect((await logged()).filter((label) => label === "after drop")).toHaveLength(1);
  });

  it("prunes results older than DATABASE_CALL_RESULTS_DAYS on a process's first write, keeping the recent ones", async () => {
    await sql("INSERT INTO task_data.tasker_call_results (stack_run_id, result, at) VALUES ('stale', '{}', now() - interval '3 days'), ('recent', '{}', now() - interval '1 day')");
    const other = await openDatabaseClient(loadDatabaseConfig(database.url, { DATABASE_CALL_RESULTS_DAYS: "2" }), 2, 10_000);
    try {
      await runQuery(other, DatabaseQuery.parse({ table: "log", action: "insert", rows: [{ label: "prune" }] }), { namespace: "default", stackRunId: randomUUID() });
      await eventually(async () => (await sql("SELECT 1 FROM task_data.tasker_call_results WHERE stack_run_id = 'stale'")).length === 0, "the stale result is pruned");
      expect(await sql("SELECT 1 FROM task_data.tasker_call_results WHERE stack_run_id = 'recent'")).toHaveLength(1);
    } finally {
      await other.pool.end();
    }
  });

  it("works for a proxy user that may not create tables, in a schema `tasker db migrate` made", async () => {
    const schema = schemaFor("task_data", "team-c");
    await migrateSchema(database.url, schema, MIGRATIONS);
    const role = `tasker_once_${randomUUID().slice(0, 8)}`;
    await sql(`CREATE ROLE ${role} LOGIN; GRANT USAGE ON SCHEMA ${schema} TO ${role}; GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${role}`);
    const url = new URL(database.url);
    url.username = role;
    const restricted = await openDatabaseClient(loadDatabaseConfig(url.toString(), {}), 2, 10_000);
    try {
      const call = { namespace: "team-c", stackRunId: randomUUID() };
      const insert = DatabaseQuery.parse({ table: "notes", action: "insert", rows: [{ title: "restricted" }], columns: "id,title" });
      const first = await runQuery(restricted, insert, call);
      expect(first).toMatchObject({ error: null, data: [{ id: expect.any(Number), title: "restricted" }] });
      expect(await runQuery(restricted, insert, call)).toEqual(first);
      expect(await sql(`SELECT title FROM ${schema}.notes`)).toEqual([{ title: "restricted" }]);
    } finally {
      await restricted.pool.end();
      await sql(`DROP OWNED BY ${role}; DROP ROLE ${role}`);
    }
  });
});
