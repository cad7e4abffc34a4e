import { describe, expect, it } from "vitest";
import { loadDatabaseConfig } from "./database-config.js";

const EVENT_STORE = "postgres://postgres@127.0.0.1:5432/tasker";

describe("loadDatabaseConfig", () => {
  it("refuses a TASKER_DATA_SCHEMA that holds the event store's or PostgreSQL's own tables, naming the variable", () => {
    for (const schema of ["public", "information_schema", "pg_catalog", "pg_toast"]) {
      expect(() => loadDatabaseConfig(EVENT_STORE, { TASKER_DATA_SCHEMA: schema })).toThrow(/^invalid configuration: TASKER_DATA_SCHEMA: /);
    }
  });

  it("takes a schema of the tasks' own, defaulting to task_data in the event store's database", () => {
    expect(loadDatabaseConfig(EVENT_STORE, {})).toEqual({ schema: "task_data", url: EVENT_STORE, maxRows: 1000, callResultsDays: 7 });
    expect(loadDatabaseConfig(EVENT_STORE, { TASKER_DATA_SCHEMA: "app_tables", TASKER_DATA_DATABASE_URL: "postgres://db/other" })).toMatchObject({ schema: "app_tables", url: "postgres://db/other" });
  });

  it("keeps write calls' results DATABASE_CALL_RESULTS_DAYS days, refusing less than one, naming the variable", () => {
    expect(loadDatabaseConfig(EVENT_STORE, { DATABASE_CALL_RESULTS_DAYS: "30" }).callResultsDays).toBe(30);
    expect(() => loadDatabaseConfig(EVENT_STORE, { DATABASE_CALL_RESULTS_DAYS: "0" })).toThrow(/^invalid configuration: DATABASE_CALL_RESULTS_DAYS: /);
  });
});
