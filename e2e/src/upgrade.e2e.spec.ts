import { readFile } from "node:fs/promises";
import { EventStore, eventStoreMigrations, openDatabase } from "@tasker/event-store";
import { readModelMigrations, readModelsProjection } from "@tasker/read-models";
import { createIsolatedEnvironment, TaskerSystem } from "@tasker/testing";
import type { DataSource } from "typeorm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** A history recorded by an earlier version of Tasker: the rows of its event tables, as they were. */
interface RecordedHistory {
  taskRunId: string;
  events: { stream_id: string; version: number; event_id: string; type: string; data: unknown; metadata: unknown; recorded_at: string }[];
  streams: { stream_id: string; version: number }[];
  guards: { stream_id: string; guard: string; version: number }[];
}

const FIXTURE = new URL("../fixtures/suspended-run-e289054.json", import.meta.url);

let history: RecordedHistory;

/** The rows of `history`, inserted into a database whose event tables exist. */
async function insertHistory(dataSource: DataSource): Promise<void> {
  for (const event of history.events) {
    await dataSource.query(
      "INSERT INTO events (stream_id, version, event_id, type, data, metadata, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
      [event.stream_id, event.version, event.event_id, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata), event.recorded_at],
    );
  }
  for (const stream of history.streams) await dataSource.query("INSERT INTO streams (stream_id, version) VALUES ($1, $2)", [stream.stream_id, stream.version]);
  for (const guard of history.guards) {
    await dataSource.query("INSERT INTO stream_guards (stream_id, guard, version) VALUES ($1, $2, $3)", [guard.stream_id, guard.guard, guard.version]);
  }
}

/** Loads `history` into a fresh database of today's schema, read models rebuilt from its events. */
async function todaysSchema(url: string): Promise<void> {
  const dataSource = await openDatabase({ url, migrations: [...eventStoreMigrations, ...readModelMigrations] });
  try {
    await insertHistory(dataSource);
    await new EventStore({ dataSource, projections: [readModelsProjection] }).rebuildProjections();
  } finally {
    await dataSource.destroy();
  }
}

/**
 * Loads `history` into a fresh database of the schema it was recorded in (events and read models as
 * `jsonb`), its read models filled as that version filled them; the services migrate it when they start.
 */
async function recordedSchema(url: string): Promise<void> {
  const dataSource = await openDatabase({ url, migrations: [...eventStoreMigrations.slice(0, 2), ...readModelMigrations.slice(0, 1)] });
  try {
    await insertHistory(dataSource);
    await dataSource.query("SELECT tasker_read_models_apply(jsonb_agg(to_jsonb(e) ORDER BY e.position)) FROM events e");
  } finally {
    await dataSource.destroy();
  }
}

beforeAll(async () => {
  history = JSON.parse(await readFile(FIXTURE, "utf8")) as RecordedHistory;
});

describe.each([
  { schema: "today's schema", load: todaysSchema },
  { schema: "the schema it was recorded in", load: recordedSchema },
])("a run suspended by an earlier version, loaded into $schema", ({ load }) => {
  let tasker: TaskerSystem;

  beforeAll(async () => {
    const env = await createIsolatedEnvironment();
    await load(env.databaseUrl);
    // The gateway alone first, so that the run is seen as it was left, before anything moves it on.
    tasker = await TaskerSystem.start({ TASKER_LEASE_MS: "1000" }, { gateway: "gateway" }, env);
  });

  afterAll(async () => {
    await tasker?.stop();
  });

  it("resumes and finishes after the upgrade, replaying the activations that version recorded", async () => {
    const before = await tasker.request<{ status: string; input: unknown }>("GET", `/tasks/${history.taskRunId}`);
    expect(before.body.status).toBe("suspended");
    const submitted = history.events.find((event) => event.type === "run.submitted")!.data as { input: unknown };
    expect(before.body.input).toEqual(submitted.input);
    // The bus of a new deployment holds none of the run's messages: the watchdog finds its lost work.
    await Promise.all([tasker.startService("executor"), tasker.startService("stack-processor")]);
    const run = await tasker.result(history.taskRunId, 60);
    expect(run.status).toBe("completed");
    const firstChild = history.events.find((event) => event.type === "stack.completed")!.data as { result: unknown };
    expect(run.result).toMatchObject({ first: firstChild.result, second: { x: 4, square: 16, spun: true }, roll: expect.any(Number) });
    expect(run.logs.map((log) => log.message)).toEqual([
      expect.stringMatching(/^parent starts at /),
      "child 3",
      expect.stringMatching(/^first child answered /),
      "child 4",
      "second child answered",
    ]);
  });
});
