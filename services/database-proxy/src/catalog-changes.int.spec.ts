import { randomUUID } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@tasker/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabaseClient } from "./database-client.js";
import { loadDatabaseConfig } from "./database-config.js";
import { DatabaseQuery } from "./database-query.js";
import { type DatabaseClient, runQuery } from "./run-query.js";

describe("tools.database after a migration changed a table the proxy already read, on the real PostgreSQL", () => {
  let database: TestDatabase;
  let client: DatabaseClient;
  const query = (value: unknown) => runQuery(client, DatabaseQuery.parse(value), { namespace: "default", stackRunId: randomUUID() });
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
    await sql("CREATE SCHEMA task_data; CREATE TABLE task_data.items (id int PRIMARY KEY, info text, labels jsonb)");
    client = await openDatabaseClient(loadDatabaseConfig(database.url, {}), 2, 10_000);
  });
  afterAll(async () => {
    await client?.pool.end();
    await database?.drop();
  });

  it("writes and filters by a column's new type at once, without a restart of the proxy", async () => {
    expect(await query({ table: "items", action: "insert", rows: [{ id: 1, info: "plain", labels: ["a"] }] })).toMatchObject({ error: null });
    await sql("ALTER TABLE task_data.items ALTER COLUMN info TYPE jsonb USING to_jsonb(info), ALTER COLUMN labels TYPE text[] USING translate(labels::text, $$[]$$, $${}$$)::text[]");
    const written = await query({ table: "items", action: "insert", rows: [{ id: 2, info: ["a", 1], labels: ["b", "c"] }, { id: 3, info: "text", labels: [] }], columns: "id,info,labels" });
    expect(written).toMatchObject({ error: null, data: [{ id: 2, info: ["a", 1], labels: ["b", "c"] }, { id: 3, info: "text", labels: [] }] });
    expect((await query({ table: "items", action: "select", columns: "id", filters: [{ column: "info", op: "eq", value: "plain" }] })).data).toEqual([{ id: 1 }]);
  });
});
