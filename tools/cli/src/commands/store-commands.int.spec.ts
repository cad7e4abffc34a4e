import { connectNats, ensureEventStream } from "@tasker/bus";
import { newId, runStreamId } from "@tasker/contracts";
import { EventStore, eventStoreMigrations, openDatabase } from "@tasker/event-store";
import { readModelMigrations, readModelsProjection } from "@tasker/read-models";
import { createIsolatedEnvironment, type IsolatedEnvironment } from "@tasker/testing";
import { jetstreamManager } from "@nats-io/jetstream";
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

describe("tasker events", () => {
  it("prints a run's events in order, one line each", async () => {
    const store = new EventStore({ dataSource, projections: [readModelsProjection] });
    const taskRunId = newId();
    await store.append(runStreamId(taskRunId), "no_stream", [
      { type: "run.submitted", data: { taskRunId, taskName: "echo", taskVersion: "v1", input: { a: 1 }, idempotencyKey: null } },
      { type: "run.cancelled", data: { taskRunId, reason: "not needed" } },
    ]);
    const io = memoryIo({ DATABASE_URL: env.databaseUrl });
    expect(await runCli(["events", taskRunId], io)).toBe(0);
    const lines = io.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^ {3}1 {2}\\S+ {2}run\\.submitted +- +\\{.*"taskRunId":"${taskRunId}"`));
    expect(lines[1]).toMatch(/^ {3}2 {2}\S+ {2}run\.cancelled +- +\{.*"reason":"not needed"/);
  });
});

describe("tasker events of a run that is not there", () => {
  const cliEnv = () => ({ DATABASE_URL: env.databaseUrl, NATS_URL: env.natsUrl, TASKER_SUBJECT_PREFIX: env.prefix });

  it("says there is no such run and exits 1, with --follow too, instead of waiting forever on a run that will never end", async () => {
    const nats = await connectNats(env.natsUrl, "events-test");
    await ensureEventStream(await jetstreamManager(nats), env.prefix);
    await nats.close();
    const unknownRun = newId();
    for (const options of [["--follow"], []]) {
      const io = memoryIo(cliEnv());
      const exit = await Promise.race([runCli(["events", unknownRun, ...options], io), new Promise((resolve) => setTimeout(() => resolve("still waiting after 5 s"), 5000))]);
      expect(exit, `tasker events ID ${options.join(" ")}`).toBe(1);
      expect(io.stderr).toContain(`no run ${unknownRun}`);
    }
    // --from-bus reads what the stream holds, whatever the store still has.
    const io = memoryIo(cliEnv());
    expect(await runCli(["events", unknownRun, "--from-bus"], io)).toBe(0);
    expect(io.stderr).toContain(`the stream holds no events of run ${unknownRun}`);
  }, 30_000);

  it("--follow of a run that ended, whose messages the stream no longer holds (past its max_age), ends with what the stream holds", async () => {
    const nats = await connectNats(env.natsUrl, "events-test");
    await ensureEventStream(await jetstreamManager(nats), env.prefix);
    await nats.close();
    const store = new EventStore({ dataSource, projections: [readModelsProjection] }); // no outbox publisher: the stream never gets them
    const taskRunId = newId();
    await store.append(runStreamId(taskRunId), "no_stream", [
      { type: "run.submitted", data: { taskRunId, taskName: "echo", taskVersion: "v1", input: {}, idempotencyKey: null } },
      { type: "run.cancelled", data: { taskRunId, reason: "long ago" } },
    ]);
    const io = memoryIo(cliEnv());
    const exit = await Promise.race([runCli(["events", taskRunId, "--follow"], io), new Promise((resolve) => setTimeout(() => resolve("still waiting after 5 s"), 5000))]);
    expect(exit).toBe(0);
    expect(io.stderr).toContain(`the stream holds no events of run ${taskRunId}`);
  }, 30_000);

  it("refuses an id that is not a task run id (a subject wildcard would read other runs' events) as a usage error", async () => {
    for (const id of ["*", "nope", `${newId()}.>`]) {
      const io = memoryIo(cliEnv());
      expect(await runCli(["events", id, "--from-bus"], io)).toBe(2);
      expect(io.stderr).toContain("task run id");
      expect(io.stdout).toBe("");
    }
  });
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

    const [{ events }] = await dataSource.query("SELECT count(*)::int AS events FROM events");
    const io = memoryIo({ DATABASE_URL: env.databaseUrl });
    expect(await runCli(["projections", "rebuild"], io)).toBe(0);
    expect(io.stdout).toBe(`rebuilt the read models from ${events} events\n`);
    expect(await dataSource.query("SELECT * FROM task_runs")).toEqual(before);
  });
});
