import { createHash } from "node:crypto";
import { type JsonValue, newId, type NewEvent, runStreamId, taskFunctionStreamId } from "@tasker/contracts";
import { ConcurrencyError, EventStore, eventStoreMigrations, openDatabase } from "@tasker/event-store";
import { createIsolatedEnvironment, type IsolatedEnvironment } from "@tasker/testing";
import type { DataSource } from "typeorm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readModelMigrations, readModelsProjection } from "./index.js";

let env: IsolatedEnvironment;
let dataSource: DataSource;
let store: EventStore;

beforeAll(async () => {
  env = await createIsolatedEnvironment();
  dataSource = await openDatabase({ url: env.databaseUrl, migrations: [...eventStoreMigrations, ...readModelMigrations] });
  store = new EventStore({ dataSource, projections: [readModelsProjection] });
});

afterAll(async () => {
  await store?.close();
  await dataSource?.destroy();
  await env?.cleanup();
});

const at = () => new Date().toISOString();

async function publish(name: string, code: string): Promise<string> {
  const version = createHash("sha256").update(code).digest("hex");
  await store.append(taskFunctionStreamId(name), "any", [
    { type: "task.published", data: { name, version, code, description: `${name} does things`, params: [] } },
  ]);
  return version;
}

/** A run whose root calls two children, is resumed with their results, and ends as `ending` says. */
async function run(ending: "completed" | "failed" | "suspended"): Promise<{ taskRunId: string; root: string; children: string[] }> {
  const taskRunId = newId();
  const streamId = runStreamId(taskRunId);
  const root = newId();
  const children = [newId(), newId()];
  const append = (events: NewEvent[]) => store.append(streamId, "any", events);
  await store.append(streamId, "no_stream", [
    { type: "run.submitted", data: { taskRunId, taskName: "parent", taskVersion: "v1", input: { n: 2 }, idempotencyKey: null } },
    { type: "stack.created", data: { stackRunId: root, parentStackRunId: null, seq: null, service: "tasks", method: ["execute"], args: ["parent", { n: 2 }], depth: 0, taskVersion: "v1" } },
  ]);
  await append([
    { type: "stack.started", data: { stackRunId: root, worker: "executor-1", leaseUntil: at(), attempt: 1 } },
    { type: "log.appended", data: { stackRunId: root, level: "info", message: "calling two children", at: at() } },
    ...children.map((stackRunId, seq): NewEvent => ({
      type: "stack.created",
      data: { stackRunId, parentStackRunId: root, seq, service: "gapi", method: ["admin", "domains", "list"], args: [{ seq }], depth: 1, taskVersion: null },
    })),
    { type: "vm.suspended", data: { stackRunId: root, activation: 1, at: Date.now(), waitingOn: [0, 1], worker: "executor-1" } },
  ]);
  if (ending === "suspended") return { taskRunId, root, children };
  for (const stackRunId of children) await append([{ type: "stack.completed", data: { stackRunId, result: { domains: 3 } } }]);
  await append([
    { type: "resume.requested", data: { stackRunId: root, activation: 2, results: children.map((stackRunId, seq) => ({ seq, stackRunId, ok: true as const, value: { domains: 3 } })), worker: "executor-1" } },
  ]);
  await append([
    { type: "vm.resumed", data: { stackRunId: root, activation: 2, at: Date.now() } },
    { type: "log.appended", data: { stackRunId: root, level: "warn", message: "both answered", at: at() } },
    ending === "completed"
      ? { type: "stack.completed", data: { stackRunId: root, result: { total: 6 } } }
      : { type: "stack.failed", data: { stackRunId: root, error: { code: "TASK_ERROR", message: "boom" } } },
  ]);
  await append([
    ending === "completed"
      ? { type: "run.completed", data: { taskRunId, result: { total: 6 } } }
      : { type: "run.failed", data: { taskRunId, error: { code: "TASK_ERROR", message: "boom" } } },
  ]);
  return { taskRunId, root, children };
}

async function snapshot(): Promise<Record<string, unknown[]>> {
  const tables: Record<string, string> = {
    task_functions: "name",
    task_function_versions: "name, version",
    task_runs: "task_run_id",
    task_run_logs: "task_run_id, position",
    stack_runs: "stack_run_id",
  };
  const result: Record<string, unknown[]> = {};
  for (const [table, order] of Object.entries(tables)) result[table] = await dataSource.query(`SELECT * FROM ${table} ORDER BY ${order}`);
  return result;
}

/** The type and data (as written) of the event at `position`. */
async function eventAt(position: string): Promise<{ type: string; data: unknown }> {
  const [event] = await dataSource.query("SELECT type, data FROM events WHERE position = $1", [position]);
  return event;
}

describe("read models", () => {
  it("follow a run's life, and a rebuild from the events reproduces them exactly", async () => {
    await publish("parent", "module.exports = async () => 1");
    const latest = await publish("parent", "module.exports = async () => 2");
    await publish("shared/gapi-helper", "module.exports = { listDomains() {} }");
    const done = await run("completed");
    const failed = await run("failed");
    const waiting = await run("suspended");

    const live = await snapshot();
    const runs = Object.fromEntries((live.task_runs as { task_run_id: string; ended_position: string }[]).map((row) => [row.task_run_id, row]));
    expect(runs[done.taskRunId]).toMatchObject({ status: "completed", waiting_on: null, root_stack_run_id: done.root });
    expect(await eventAt(runs[done.taskRunId]!.ended_position)).toEqual({ type: "run.completed", data: { taskRunId: done.taskRunId, result: { total: 6 } } });
    expect(runs[failed.taskRunId]).toMatchObject({ status: "failed" });
    expect(await eventAt(runs[failed.taskRunId]!.ended_position)).toMatchObject({ type: "run.failed", data: { error: { code: "TASK_ERROR", message: "boom" } } });
    expect(runs[waiting.taskRunId]).toMatchObject({
      status: "suspended",
      waiting_on: waiting.children.map((stackRunId, seq) => ({ stackRunId, seq, service: "gapi", method: ["admin", "domains", "list"] })),
    });
    // Ended runs leave no stack runs behind; the suspended one keeps its root and both calls.
    expect((live.stack_runs as { task_run_id: string }[]).map((row) => row.task_run_id)).toEqual([waiting.taskRunId, waiting.taskRunId, waiting.taskRunId]);
    expect((live.task_run_logs as { task_run_id: string; message: string }[]).filter((row) => row.task_run_id === done.taskRunId).map((row) => row.message)).toEqual([
      "calling two children",
      "both answered",
    ]);
    expect(live.task_functions).toHaveLength(2);
    expect(live.task_functions).toContainEqual(expect.objectContaining({ name: "parent", version: latest }));
    expect(live.task_function_versions).toHaveLength(3);
    expect(live.task_function_versions).toContainEqual(expect.objectContaining({ name: "shared/gapi-helper", description: "shared/gapi-helper does things", params: [] }));

    const replayed = await store.rebuildProjections();
    expect(replayed).toBe(Number((await dataSource.query("SELECT count(*) AS n FROM events"))[0].n));
    expect(await snapshot()).toEqual(live);
  });

  it("point at the events that hold a run's input as written, odd strings and all", async () => {
    const taskRunId = newId();
    const input = JSON.parse(`{"zeta":"a\\u0000b","alpha":["\\ud800","x\\udc00y"],"__proto__":{"x":1}}`) as JsonValue;
    await store.append(runStreamId(taskRunId), "no_stream", [
      { type: "run.submitted", data: { taskRunId, taskName: "odd", taskVersion: "v1", input, idempotencyKey: "k1" } },
      { type: "stack.created", data: { stackRunId: newId(), parentStackRunId: null, seq: null, service: "tasks", method: ["execute"], args: ["odd", input], depth: 0, taskVersion: "v1" } },
    ]);
    const [run] = await dataSource.query("SELECT task_name, status, submitted_position, idempotency_key FROM task_runs WHERE task_run_id = $1", [taskRunId]);
    expect(run).toMatchObject({ task_name: "odd", status: "queued", idempotency_key: "k1" });
    const [text] = await dataSource.query("SELECT data::text AS data FROM events WHERE position = $1", [run.submitted_position]);
    expect(text.data).toContain(`"input":{"zeta":"a\\u0000b","alpha":["\\ud800","x\\udc00y"],"__proto__":{"x":1}}`);
  });

  it("write a run whose events come in one append as they write it event by event, and leave no stack run or timer of it", async () => {
    /** A run with a timeout whose root makes a call with one of its own, is resumed with its result and completes. */
    const lifeOf = (taskRunId: string): NewEvent[] => {
      const [root, child] = [newId(), newId()];
      const dueAt = new Date(Date.now() + 60_000).toISOString();
      return [
        { type: "run.submitted", data: { taskRunId, taskName: "whole", taskVersion: "v1", input: { n: 1 }, idempotencyKey: null } },
        { type: "stack.created", data: { stackRunId: root, parentStackRunId: null, seq: null, service: "tasks", method: ["execute"], args: ["whole", { n: 1 }], depth: 0, taskVersion: "v1", dueAt } },
        { type: "stack.started", data: { stackRunId: root, worker: "executor-1", leaseUntil: at(), attempt: 1 } },
        { type: "log.appended", data: { stackRunId: root, level: "info", message: "calling", at: at() } },
        { type: "stack.created", data: { stackRunId: child, parentStackRunId: root, seq: 0, service: "gapi", method: ["admin", "domains", "list"], args: [{}], depth: 1, taskVersion: null, dueAt } },
        { type: "vm.suspended", data: { stackRunId: root, activation: 1, at: Date.now(), waitingOn: [0], worker: "executor-1" } },
        { type: "stack.completed", data: { stackRunId: child, result: { domains: 3 } } },
        { type: "resume.requested", data: { stackRunId: root, activation: 2, results: [{ seq: 0, stackRunId: child, ok: true as const, value: { domains: 3 } }], worker: "executor-1" } },
        { type: "vm.resumed", data: { stackRunId: root, activation: 2, at: Date.now() } },
        { type: "stack.completed", data: { stackRunId: root, result: { total: 3 } } },
        { type: "run.completed", data: { taskRunId, result: { total: 3 } } },
      ];
    };
    const [whole, oneByOne] = [newId(), newId()];
    await store.append(runStreamId(whole), "no_stream", lifeOf(whole));
    for (const event of lifeOf(oneByOne)) await store.append(runStreamId(oneByOne), "any", [event]);

    /** The run's row but its id, each position as the type of the event there, its logs, stack runs and timers. */
    const readModelsOf = async (taskRunId: string) => {
      const [row] = await dataSource.query("SELECT * FROM task_runs WHERE task_run_id = $1", [taskRunId]);
      const { task_run_id: _id, root_stack_run_id, submitted_position, ended_position, created_at, updated_at, ...rest } = row;
      const [root] = await dataSource.query("SELECT data->>'stackRunId' AS id FROM events WHERE stream_id = $1 AND type = 'stack.created' ORDER BY version LIMIT 1", [runStreamId(taskRunId)]);
      const logs = await dataSource.query("SELECT level, message FROM task_run_logs WHERE task_run_id = $1 ORDER BY position", [taskRunId]);
      const stackRuns = await dataSource.query("SELECT * FROM stack_runs WHERE task_run_id = $1", [taskRunId]);
      const timers = await dataSource.query("SELECT * FROM timers WHERE task_run_id = $1", [taskRunId]);
      return {
        ...rest,
        rootIsItsRoot: root_stack_run_id === root.id,
        submitted: (await eventAt(submitted_position)).type,
        ended: (await eventAt(ended_position)).type,
        updatedAtEnd: updated_at.getTime() >= created_at.getTime(),
        logs,
        stackRuns,
        timers,
      };
    };
    const recordedWhole = await readModelsOf(whole);
    expect(recordedWhole).toMatchObject({ status: "completed", waiting_on: null, rootIsItsRoot: true, submitted: "run.submitted", ended: "run.completed", stackRuns: [], timers: [] });
    expect(recordedWhole).toEqual(await readModelsOf(oneByOne));
  });

  it("scope an idempotency key to its task: the same key may start a run of another task, never a second of the same", async () => {
    const submit = (taskName: string) => {
      const taskRunId = newId();
      return store.append(runStreamId(taskRunId), "no_stream", [
        { type: "run.submitted", data: { taskRunId, taskName, taskVersion: "v1", input: null, idempotencyKey: "shared-key" } },
      ]);
    };
    await submit("first");
    await submit("second");
    await expect(submit("first")).rejects.toBeInstanceOf(ConcurrencyError);
  });
});

describe("read models v6", () => {
  it("give the versions published before it their description and params, from their events", async () => {
    const own = await createIsolatedEnvironment();
    const v6 = readModelMigrations.findIndex((migration) => migration.name === "RunInspectorReads1769000000000");
    const before = await openDatabase({ url: own.databaseUrl, migrations: [...eventStoreMigrations, ...readModelMigrations.slice(0, v6)] });
    try {
      const params = [{ name: "who", type: "string", description: "whom", optional: false }];
      const code = "module.exports = 1";
      const version = createHash("sha256").update(code).digest("hex");
      await new EventStore({ dataSource: before, projections: [readModelsProjection] }).append(taskFunctionStreamId("old"), "any", [
        { type: "task.published", data: { name: "old", version, code, description: "from before", params } },
      ]);
      await before.destroy();
      const after = await openDatabase({ url: own.databaseUrl, migrations: [...eventStoreMigrations, ...readModelMigrations] });
      try {
        expect(await after.query("SELECT name, version, description, params FROM task_function_versions")).toEqual([{ name: "old", version, description: "from before", params }]);
      } finally {
        await after.destroy();
      }
    } finally {
      if (before.isInitialized) await before.destroy();
      await own.cleanup();
    }
  });
});
