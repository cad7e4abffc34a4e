import { describe, expect, it } from "vitest";
import { loadDatabaseConfig, unreachableReason } from "./database-config.js";
import { schemaFor } from "./namespace-schema.js";

describe("schemaFor: one schema per namespace", () => {
  it("is the base schema for default, and <base>__<namespace with '-' as '_'> for the others", () => {
    expect(schemaFor("task_data", "default")).toBe("task_data");
    expect(schemaFor("task_data", "team-b")).toBe("task_data__team_b");
    expect(schemaFor("task_data", "teamb")).not.toBe(schemaFor("task_data", "team-b"));
  });

  it("cuts a name over 63 bytes and ends it with a hash of the namespace: still one per namespace", () => {
    const long = `a${"-x".repeat(31)}`;
    const other = `a${"-x".repeat(30)}-y`;
    expect(schemaFor("task_data", long)).toHaveLength(63);
    expect(schemaFor("task_data", long)).toMatch(/^task_data__a_x_x.*\$[0-9a-f]{12}$/);
    expect(schemaFor("task_data", other)).not.toBe(schemaFor("task_data", long));
  });
});

describe("loadDatabaseConfig", () => {
  it("defaults to schema task_data on the event store's database, 1000 rows", () => {
    expect(loadDatabaseConfig("postgres://h/db", {})).toEqual({ schema: "task_data", url: "postgres://h/db", maxRows: 1000, callResultsDays: 7 });
    expect(loadDatabaseConfig("postgres://h/db", { TASKER_DATA_SCHEMA: "app", TASKER_DATA_DATABASE_URL: "postgresql://o/data", DATABASE_MAX_ROWS: "5" })).toMatchObject({ schema: "app", url: "postgresql://o/data", maxRows: 5 });
  });

  it("names the variable of a bad value", () => {
    expect(() => loadDatabaseConfig("postgres://h/db", { TASKER_DATA_SCHEMA: 'x"; drop' })).toThrow(/^invalid configuration: TASKER_DATA_SCHEMA: /);
    expect(() => loadDatabaseConfig("postgres://h/db", { TASKER_DATA_DATABASE_URL: "mysql://h/db" })).toThrow(/^invalid configuration: TASKER_DATA_DATABASE_URL: /);
    expect(() => loadDatabaseConfig("postgres://h/db", { DATABASE_MAX_ROWS: "0" })).toThrow(/^invalid configuration: DATABASE_MAX_ROWS: /);
  });

  it("says the embedded database cannot hold the tasks' tables", () => {
    expect(unreachableReason(loadDatabaseConfig("pglite://.tasker/pgdata", {}))).toMatch(/TASKER_DATA_DATABASE_URL/);
    expect(unreachableReason(loadDatabaseConfig("postgres://h/db", {}))).toBeUndefined();
  });
});
