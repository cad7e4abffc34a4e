import { newId, runStreamId } from "@tasker/contracts";
import { EventStore, eventStoreMigrations, openDatabase } from "@tasker/event-store";
import { readModelMigrations, readModelsProjection } from "@tasker/read-models";
import { createIsolatedEnvironment, type IsolatedEnvironment } from "@tasker/testing";
import type { DataSource } from "typeorm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryIo } from "../memory-io.js";
import { runCli } from "../run-cli.js";

let env: IsolatedEnvironment;
let dataSource: DataSource;

beforeAll(async () => {
  env = await createIsolatedEnvironment();
  dataSource = await openDatabase({ url: env.databaseUrl, migrations: [...eventStoreMigrations, ...readModelMigrations] });
});

afterAll(async () => {
  await dataSource?.destroy();
  await env?.cleanup();
});

describe("tasker projections rebuild", () => {
  it("brings back read models that were lost, from the events", async () => {
    const store = new EventStore({ dataSource, projections: [readModelsProjection] });
    const taskRunId = newId();
    await store.append(runStreamId(taskRunId), "no_stream", [
      { type: "run.submitted", data: { taskRunId, taskName: "echo", taskVersion: "v1", input: { a: 1 }, idempotencyKey: null } },
      { type: "run.completed", data: { taskRunId, result: { a: 1 } } },
    ]);
    const before = await dataSource.query("SELECT * FROM task_runs");
    await dataSource.query("DELETE FROM task_runs");

    const io = memoryIo({ DATABASE_URL: env.databaseUrl });
    expect(await runCli(["projections", "rebuild"], io)).toBe(0);
    expect(io.stdout).toBe("rebuilt the read models from 2 events\n");
    expect(await dataSource.query("SELECT * FROM task_runs")).toEqual(before);
  });
});
