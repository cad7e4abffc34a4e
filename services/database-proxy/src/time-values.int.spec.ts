import { randomUUID } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@tasker/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabaseClient } from "./database-client.js";
import { loadDatabaseConfig } from "./database-config.js";
import { DatabaseQuery } from "./database-query.js";
import { type DatabaseClient, runQuery } from "./run-query.js";

const TABLE = `CREATE SCHEMA task_data;
  CREATE TABLE task_data.times (id int PRIMARY KEY, at timestamptz, local timestamp, day date, span interval, ats timestamptz[], days date[])`;

describe("time values through tools.database on the real PostgreSQL", () => {
  let database: TestDatabase;
  let client: DatabaseClient;
  const processZone = process.env["TZ"];
  const query = (value: unknown) => runQuery(client, DatabaseQuery.parse(value), { namespace: "default", stackRunId: randomUUID() });

  beforeAll(async () => {
    database = await createTestDatabase();
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      await admin.query(TABLE);
      // A database and a proxy in zones other than UTC: the instant is the same, the proxy's zone shifts nothing.
      await admin.query(`ALTER DATABASE ${admin.escapeIdentifier(new URL(database.url).pathname.slice(1))} SET TimeZone TO 'Asia/Kolkata'`);
    } finally {
      await admin.end();
    }
    process.env["TZ"] = "America/New_York";
    client = await openDatabaseClient(loadDatabaseConfig(database.url, {}), 2, 10_000);
  });
  afterAll(async () => {
    if (processZone === undefined) delete process.env["TZ"];
    else process.env["TZ"] = processZone;
    await client?.pool.end();
    await database?.drop();
  });

  it("answers timestamps to the microsecond (in the database's TimeZone), dates as dates, intervals and infinity as PostgREST writes them, and finds a row by the value it read", async () => {
    const row = { id: 1, at: "2024-01-02T03:04:05.123456Z", local: "2024-01-02T03:04:05.123456", day: "2024-01-02", span: "1 day 02:03:04", ats: ["2024-01-02T03:04:05.5Z", "infinity"], days: ["2024-01-02", "-infinity"] };
    const inserted = await query({ table: "times", action: "insert", rows: [row], columns: "*" });
    expect(inserted).toMatchObject({ error: null, status: 201 });
    expect(inserted.data).toEqual([
      { id: 1, at: "2024-01-02T08:34:05.123456+05:30", local: "2024-01-02T03:04:05.123456", day: "2024-01-02", span: "1 day 02:03:04", ats: ["2024-01-02T08:34:05.5+05:30", "infinity"], days: ["2024-01-02", "-infinity"] },
    ]);
    const [read] = inserted.data as { at: string; local: string; day: string }[];
    const found = await query({ table: "times", action: "select", columns: "id", filters: [{ column: "at", op: "eq", value: read!.at }, { column: "local", op: "eq", value: read!.local }, { column: "day", op: "eq", value: read!.day }] });
    expect(found.data).toEqual([{ id: 1 }]);
    expect((await query({ table: "times", action: "insert", rows: [{ id: 2, at: "infinity", day: "-infinity" }], columns: "at,day" })).data).toEqual([{ at: "infinity", day: "-infinity" }]);
  });
});
