import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { createTestDatabase, type TestDatabase } from "@tasker/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabaseClient } from "./database-client.js";
import { loadDatabaseConfig } from "./database-config.js";
import { DatabaseQuery } from "./database-query.js";
import { migrateSchema } from "./migrate-schema.js";
import { schemaFor } from "./namespace-schema.js";
import { type DatabaseClient, runQuery } from "./run-query.js";

const MIGRATIONS = fileURLToPath(new URL("../../../tasks/migrations/", import.meta.url));

describe("database queries as SQL on the real PostgreSQL", () => {
  let database: TestDatabase;
  let client: DatabaseClient;
  const query = (value: unknown, namespace = "default") => runQuery(client, DatabaseQuery.parse(value), { namespace, stackRunId: randomUUID() });
  const sql = async (text: string) => {
    const connection = new pg.Client({ connectionString: database.url });
    await connection.connect();
    try {
      return (await connection.query(text)).rows;
    } finally {
      await connection.end();
    }
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    await migrateSchema(database.url, "task_data", MIGRATIONS);
    client = await openDatabaseClient(loadDatabaseConfig(database.url, { DATABASE_MAX_ROWS: "50" }), 4, 10_000);
  });
  afterAll(async () => {
    await client?.pool.end();
    await database?.drop();
  });

  it("inserts, reads, updates, upserts and deletes, answering as supabase-js does", async () => {
    const inserted = await query({ table: "notes", action: "insert", rows: [{ title: "a", tags: ["x", "y"], meta: { k: [1, 2] } }, { title: "b", meta: [1, "two"] }], columns: "id,title,tags,meta" });
    expect(inserted).toMatchObject({ error: null, status: 201, statusText: "Created", count: null });
    expect(inserted.data).toEqual([
      { id: expect.any(Number), title: "a", tags: ["x", "y"], meta: { k: [1, 2] } },
      { id: expect.any(Number), title: "b", tags: [], meta: [1, "two"] },
    ]);
    expect(await query({ table: "notes", action: "insert", rows: [{ title: "c", done: true }] })).toEqual({ data: null, error: null, count: null, status: 201, statusText: "Created" });

    const read = await query({ table: "notes", action: "select", columns: "title, done", filters: [{ column: "title", op: "in", value: ["a", "c"] }], order: [{ column: "title", ascending: false }], count: "exact" });
    expect(read).toEqual({ data: [{ title: "c", done: true }, { title: "a", done: false }], error: null, count: 2, status: 200, statusText: "OK" });
    expect((await query({ table: "notes", action: "select", columns: "title", filters: [{ column: "meta", op: "eq", value: { k: [1, 2] } }] })).data).toEqual([{ title: "a" }]);
    expect((await query({ table: "notes", action: "select", columns: "title", filters: [{ column: "tags", op: "eq", value: ["x", "y"] }] })).data).toEqual([{ title: "a" }]);
    expect((await query({ table: "notes", action: "select", columns: "title", filters: [{ column: "title", op: "ilike", value: "B%" }, { column: "body", op: "is", value: null }] })).data).toEqual([{ title: "b" }]);
    expect((await query({ table: "notes", action: "select", columns: "title", filters: [{ column: "done", op: "is", value: true }] })).data).toEqual([{ title: "c" }]);
    expect((await query({ table: "notes", action: "select", columns: "title", order: [{ column: "title", ascending: true }], offset: 1, limit: 1 })).data).toEqual([{ title: "b" }]);
    const created = (await query({ table: "notes", action: "select", columns: "created_at", limit: 1 })).data as { created_at: string }[];
    expect(created[0]!.created_at).toMatch(/^\d{4}-\d\d-\d\dT/);

    const updated = await query({ table: "notes", action: "update", values: { body: "hello", done: true }, filters: [{ column: "title", op: "eq", value: "a" }], columns: "title,body,done", single: "one" });
    expect(updated).toMatchObject({ data: { title: "a", body: "hello", done: true }, error: null, status: 200 });
    expect(await query({ table: "notes", action: "update", values: { body: "x" }, filters: [{ column: "title", op: "eq", value: "nobody" }] })).toMatchObject({ data: null, error: null, status: 204, statusText: "No Content" });

    const upserted = await query({ table: "notes", action: "upsert", rows: [{ title: "a", body: "again" }, { title: "d" }], onConflict: "title", columns: "title,body" });
    expect(upserted.data).toEqual([{ title: "a", body: "again" }, { title: "d", body: null }]);
    const ignored = await query({ table: "notes", action: "upsert", rows: [{ title: "a", body: "ignored" }], onConflict: "title", ignoreDuplicates: true, columns: "title" });
    expect(ignored.data).toEqual([]);

    const deleted = await query({ table: "notes", action: "delete", filters: [{ column: "title", op: "in", value: ["c", "d"] }], columns: "title" });
    expect(deleted.data).toEqual([{ title: "c" }, { title: "d" }]);
    expect(await sql("SELECT title, body FROM task_data.notes ORDER BY title")).toEqual([{ title: "a", body: "again" }, { title: "b", body: null }]);
  });

  it("resolves query errors with Postgres's code: no such table or column, a constraint, single() on 0 or 2 rows", async () => {
    expect(await query({ table: "nope", action: "select" })).toEqual({ data: null, error: { code: "42P01", message: 'relation "nope" does not exist', details: null, hint: expect.any(String) }, count: null, status: 404, statusText: "Not Found" });
    expect((await query({ table: "notes", action: "select", columns: "id,secret" })).error).toMatchObject({ code: "42703", message: "column notes.secret does not exist" });
    expect((await query({ table: "notes", action: "select", order: [{ column: "nope", ascending: true }] })).error).toMatchObject({ code: "42703" });
    const duplicate = await query({ table: "notes", action: "insert", rows: [{ title: "b" }] });
    expect(duplicate).toMatchObject({ data: null, status: 409, error: { code: "23505", details: "Key (title)=(b) already exists." } });
    expect((await query({ table: "notes", action: "insert", rows: [{ body: "no title" }] })).error).toMatchObject({ code: "23502" });
    expect((await query({ table: "notes", action: "select", filters: [{ column: "id", op: "eq", value: "not a number" }] })).error).toMatchObject({ code: "22P02" });
    const none = await query({ table: "notes", action: "select", filters: [{ column: "title", op: "eq", value: "zzz" }], single: "one" });
    expect(none).toMatchObject({ data: null, status: 406, error: { code: "PGRST116", details: "The result contains 0 rows" } });
    expect((await query({ table: "notes", action: "select", single: "one" })).error).toMatchObject({ code: "PGRST116", details: "The result contains 2 rows" });
    expect(await query({ table: "notes", action: "select", filters: [{ column: "title", op: "eq", value: "zzz" }], single: "maybe" })).toMatchObject({ data: null, error: null });
    // The migrations' own table is not one of the tasks' tables.
    expect((await query({ table: "tasker_migrations", action: "select" })).error).toMatchObject({ code: "42P01" });
  });

  it("rolls back a write whose single() finds 0 or several rows (PGRST116), as PostgREST does; maybeSingle() keeps it", async () => {
    const before = await sql("SELECT title, body FROM task_data.notes ORDER BY title");
    const two = await query({ table: "notes", action: "insert", rows: [{ title: "s1" }, { title: "s2" }], columns: "title", single: "one" });
    expect(two).toMatchObject({ data: null, status: 406, error: { code: "PGRST116", details: "The result contains 2 rows" } });
    const all = await query({ table: "notes", action: "update", values: { body: "every" }, filters: [{ column: "id", op: "gt", value: 0 }], columns: "title", single: "one" });
    expect(all).toMatchObject({ data: null, status: 406, error: { code: "PGRST116" } });
    expect(await sql("SELECT title, body FROM task_data.notes ORDER BY title")).toEqual(before);
    const kept = await query({ table: "notes", action: "insert", rows: [{ title: "m1" }, { title: "m2" }], columns: "title", single: "maybe" });
    expect(kept).toMatchObject({ status: 406, error: { code: "PGRST116" } });
    expect(await query({ table: "notes", action: "delete", filters: [{ column: "title", op: "in", value: ["m1", "m2"] }], columns: "title" })).toMatchObject({ data: [{ title: "m1" }, { title: "m2" }] });
  });

  it("refuses an update or a delete without a filter (21000), touching nothing; an empty in() matches nothing", async () => {
    const before = await sql("SELECT count(*)::int AS n FROM task_data.notes");
    expect(await query({ table: "notes", action: "delete" })).toMatchObject({ data: null, status: 400, error: { code: "21000", message: "DELETE requires a WHERE clause" } });
    expect((await query({ table: "notes", action: "update", values: { body: "all" } })).error).toMatchObject({ code: "21000", message: "UPDATE requires a WHERE clause" });
    expect(await query({ table: "notes", action: "delete", filters: [{ column: "id", op: "in", value: [] }], columns: "id" })).toMatchObject({ data: [], error: null });
    expect(await sql("SELECT count(*)::int AS n FROM task_data.notes")).toEqual(before);
  });

  it("passes hostile names and values harmlessly: names only through the catalog, values only as parameters", async () => {
    const hostile = `x"; DROP TABLE task_data.notes; --`;
    expect((await query({ table: hostile, action: "select" })).error).toMatchObject({ code: "42P01" });
    expect((await query({ table: "notes", action: "select", columns: `id, ${hostile}` })).error).toMatchObject({ code: "42703" });
    expect((await query({ table: "notes", action: "select", filters: [{ column: hostile, op: "eq", value: 1 }] })).error).toMatchObject({ code: "42703" });
    expect((await query({ table: "notes", action: "select", order: [{ column: hostile, ascending: true }] })).error).toMatchObject({ code: "42703" });
    expect((await query({ table: "notes", action: "upsert", rows: [{ title: "b" }], onConflict: `title) DO NOTHING; DROP TABLE task_data.notes; --` })).error).toMatchObject({ code: "42703" });
    const value = `'); DROP TABLE task_data.notes; --`;
    expect((await query({ table: "notes", action: "insert", rows: [{ title: value }], columns: "title" })).data).toEqual([{ title: value }]);
    expect((await query({ table: "notes", action: "select", columns: "title", filters: [{ column: "title", op: "in", value: [value, `' OR 1=1 --`] }] })).data).toEqual([{ title: value }]);
    expect((await query({ table: "notes", action: "select", columns: "title", filters: [{ column: "title", op: "like", value: `%' OR '1'='1` }] })).data).toEqual([]);
    expect(await sql("SELECT count(*)::int AS n FROM task_data.notes")).toEqual([{ n: 3 }]);
  });

  it("keeps each namespace in its own schema, and sees a table migrated after its first look", async () => {
    expect((await query({ table: "notes", action: "select" }, "team-b")).error).toMatchObject({ code: "42P01" });
    await migrateSchema(database.url, schemaFor("task_data", "team-b"), MIGRATIONS);
    expect(await query({ table: "notes", action: "select" }, "team-b")).toMatchObject({ data: [], error: null });
    await query({ table: "notes", action: "insert", rows: [{ title: "b's" }] }, "team-b");
    expect((await query({ table: "notes", action: "select", columns: "title" }, "team-b")).data).toEqual([{ title: "b's" }]);
    expect(((await query({ table: "notes", action: "select", columns: "title" })).data as unknown[]).length).toBe(3);
  });

  it("cuts a select to DATABASE_MAX_ROWS, whatever limit it asks", async () => {
    await query({ table: "notes", action: "insert", rows: Array.from({ length: 60 }, (_, i) => ({ title: `bulk ${i}` })) });
    expect(((await query({ table: "notes", action: "select", columns: "id" })).data as unknown[]).length).toBe(50);
    expect(((await query({ table: "notes", action: "select", columns: "id", limit: 500 })).data as unknown[]).length).toBe(50);
    expect((await query({ table: "notes", action: "select", columns: "id", limit: 500, count: "exact" })).count).toBe(63);
  });

  it("refuses a malformed query INVALID_ARGUMENT, naming the part", async () => {
    await expect(query({ table: "notes", action: "select", rows: [{ a: 1 }] })).rejects.toMatchObject({ code: "INVALID_ARGUMENT", message: "the query (argument 1): rows does not apply to select" });
    await expect(query({ table: "notes", action: "update", values: {}, filters: [{ column: "id", op: "eq", value: 1 }] })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });
});
