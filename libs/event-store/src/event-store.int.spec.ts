import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { type JsonValue, newId, type RecordedEvent, runStreamId } from "@tasker/contracts";
import { createTestDatabase } from "@tasker/testing";
import type pg from "pg";
import type { DataSource } from "typeorm";
import type { PostgresDriver } from "typeorm/driver/postgres/PostgresDriver.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendBatchSize } from "./append-batch-metrics.js";
import { openDatabase } from "./database.js";
import { ConcurrencyError, CountExceededError, StreamNotFoundError } from "./errors.js";
import { EventStore } from "./event-store.js";
import { eventStoreMigrations } from "./migrations/index.js";
import { pooledSql } from "./sql.js";
import { existingStream, log, newStream } from "./log-streams.spec.js";

/** Where a suite's database lives, and how it goes away afterwards. */
interface Backend {
  readonly name: string;
  open(): Promise<{ url: string; remove(): Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: "PostgreSQL",
    async open() {
      const database = await createTestDatabase();
      return { url: database.url, remove: () => database.drop() };
    },
  },
  {
    name: "the embedded PGlite",
    async open() {
      const dir = await mkdtemp(join(tmpdir(), "tasker-store-"));
      return { url: `pglite://${dir}`, remove: () => rm(dir, { recursive: true, force: true }) };
    },
  },
];

// One behaviour suite, every implementation: `tasker dev` runs on PGlite what production runs on PostgreSQL.
describe.each(backends)("the event store on $name", (backend) => {
  let database: { url: string; remove(): Promise<void> };
  let dataSource: DataSource;
  let store: EventStore;

  beforeAll(async () => {
    database = await backend.open();
    dataSource = await openDatabase({ url: database.url, migrations: eventStoreMigrations, poolSize: 30 });
    store = new EventStore({ dataSource });
  });

  afterAll(async () => {
    await store?.close();
    await dataSource?.destroy();
    await database?.remove();
  });

  it("keeps an append made while another connection's transaction was open when that transaction rolls back (a retention batch, a secret's write, a scrape)", async () => {
    const { streamId, stackRunId } = newStream();
    const other = dataSource.createQueryRunner();
    await other.connect();
    await other.startTransaction();
    const appended = store.append(streamId, "no_stream", [log(stackRunId, "acknowledged")]);
    try {
      // Time for the append to run, where it could run inside this transaction (PGlite's one session, shared).
      await sleep(200);
    } finally {
      await other.rollbackTransaction();
      await other.release();
    }
    await appended;
    expect(messages(await store.readStream(streamId))).toEqual(["acknowledged"]);
  });

  function messages(events: readonly RecordedEvent[]): string[] {
    return events.map((event) => (event.data as { message: string }).message);
  }

  async function guardsOf(streamId: string): Promise<Record<string, number>> {
    const rows: { guard: string; version: number }[] = await dataSource.query("SELECT guard, version FROM stream_guards WHERE stream_id = $1", [streamId]);
    return Object.fromEntries(rows.map((row) => [row.guard, row.version]));
  }

  async function outboxOf(streamId: string): Promise<string[]> {
    const rows: { position: string }[] = await dataSource.query(
      "SELECT o.position FROM outbox o JOIN events e USING (position) WHERE e.stream_id = $1 ORDER BY o.position",
      [streamId],
    );
    return rows.map((row) => String(row.position));
  }

  describe("append with an expected version", () => {
    it("lets exactly one of two writers at the same version win; the loser's retry after re-reading succeeds", async () => {
      const { streamId, stackRunId } = newStream();
      await store.append(streamId, "no_stream", [log(stackRunId, "first")]);
      const results = await Promise.allSettled([
        store.append(streamId, 1, [log(stackRunId, "writer A")]),
        store.append(streamId, 1, [log(stackRunId, "writer B")]),
      ]);
      const won = results.filter((result) => result.status === "fulfilled");
      const lost = results.filter((result) => result.status === "rejected");
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      const error = (lost[0] as PromiseRejectedResult).reason;
      expect(error).toBeInstanceOf(ConcurrencyError);
      expect(error.code).toBe("CONCURRENCY");
      expect(error.message).toContain("expected version 1, found version 2");

      const current = await store.readStream(streamId);
      const retry = await store.append(streamId, current.at(-1)!.metadata.streamVersion, [log(stackRunId, "retry")]);
      expect(retry.nextExpectedVersion).toBe(3);
      expect((await store.readStream(streamId)).map((event) => event.metadata.streamVersion)).toEqual([1, 2, 3]);
    });

    it("refuses to create a stream twice, and to append at a version the stream never had", async () => {
      const { streamId, stackRunId } = newStream();
      await store.append(streamId, "no_stream", [log(stackRunId, "a")]);
      await expect(store.append(streamId, "no_stream", [log(stackRunId, "b")])).rejects.toThrow(/expected no stream, found version 1/);
      await expect(store.append(streamId, 0, [log(stackRunId, "b")])).rejects.toBeInstanceOf(ConcurrencyError);
      await expect(store.append(runStreamId(newId()), 4, [log(stackRunId, "b")])).rejects.toThrow(/found no stream/);
      expect(await store.readStream(streamId)).toHaveLength(1);
    });

    it("keeps a multi-event append together, in order, with consecutive versions", async () => {
      const { streamId, stackRunId } = newStream();
      const result = await store.append(streamId, "no_stream", ["a", "b", "c"].map((m) => log(stackRunId, m)));
      expect(result.nextExpectedVersion).toBe(3);
      const read = await store.readStream(streamId);
      expect(read.map((event) => [event.metadata.streamVersion, (event.data as { message: string }).message])).toEqual([
        [1, "a"],
        [2, "b"],
        [3, "c"],
      ]);
      expect(new Set(read.map((event) => event.metadata.eventId)).size).toBe(3);
      expect(await store.readStream(streamId, 3)).toEqual(read.slice(2));
    });
  });

  describe("append under a guard", () => {
    it("conflicts only with appends under the same guard", async () => {
      const { streamId, stackRunId } = await existingStream(store);
      const guard = `stack:${stackRunId}`;
      await store.append(streamId, { guard, version: 0 }, [log(stackRunId, "activation 1")]);
      // A sibling's fact moves the stream on, but not the guard.
      await store.append(streamId, "any", [log(newId(), "sibling completed")]);
      await store.append(streamId, { guard, version: 1 }, [log(stackRunId, "activation 2")]);
      await expect(store.append(streamId, { guard, version: 1 }, [log(stackRunId, "stale")])).rejects.toThrow(
        /expected guard stack:.* at 1, found guard stack:.* at 2/,
      );
      expect((await store.readStream(streamId)).map((event) => event.metadata.streamVersion)).toEqual([1, 2, 3, 4]);
    });

    it("lets one of many activations at the same guard version through", async () => {
      const { streamId, stackRunId } = await existingStream(store);
      const guard = `stack:${stackRunId}`;
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) => store.append(streamId, { guard, version: 0 }, [log(stackRunId, `try ${i}`)])),
      );
      expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
      expect(await store.readStream(streamId)).toHaveLength(2);
    });

    it("refuses a guarded append to a stream that does not exist, and creates nothing", async () => {
      const { streamId, stackRunId } = newStream();
      await expect(store.append(streamId, { guard: `stack:${stackRunId}`, version: 0 }, [log(stackRunId, "x")])).rejects.toBeInstanceOf(StreamNotFoundError);
      expect(await store.readStream(streamId)).toEqual([]);
      expect(await guardsOf(streamId)).toEqual({});
    });
  });

  describe("append under several guards", () => {
    it("holds only when every guard holds, and moves them all together", async () => {
      const { streamId, stackRunId } = await existingStream(store);
      const [stack, run] = [`stack:${stackRunId}`, "run"];
      await store.append(streamId, { guard: stack, version: 0 }, [log(stackRunId, "activation 1")]);
      // The run's end was decided elsewhere meanwhile: the outcome that would also end the run must fail.
      await store.append(streamId, { guard: run, version: 0 }, [log(stackRunId, "cancelled")]);
      await expect(
        store.append(streamId, [{ guard: stack, version: 1 }, { guard: run, version: 0 }], [log(stackRunId, "completed and ended")]),
      ).rejects.toThrow(`expected guard run at 0 and guard ${stack} at 1, found guard run at 1 and guard ${stack} at 1`);
      // The failed append moved neither guard: the stack guard is still at 1.
      await store.append(streamId, [{ guard: run, version: 1 }, { guard: stack, version: 1 }], [log(stackRunId, "both")]);
      await expect(store.append(streamId, { guard: stack, version: 1 }, [log(stackRunId, "stale")])).rejects.toThrow(`found guard ${stack} at 2`);
      expect(messages(await store.readStream(streamId))).toEqual(["created", "activation 1", "cancelled", "both"]);
    });

    it("writes nothing at all when only the last guard fails: every guard, the stream and the outbox stay as they were", async () => {
      const { streamId, stackRunId } = await existingStream(store);
      // Guards are taken in name order: "a", "b", then "c", which does not hold.
      await store.append(streamId, { guard: "c", version: 0 }, [log(stackRunId, "c moved")]);
      const before = { guards: await guardsOf(streamId), events: await store.readStream(streamId), outbox: await outboxOf(streamId) };
      await expect(
        store.append(streamId, [{ guard: "a", version: 0 }, { guard: "b", version: 0 }, { guard: "c", version: 0 }], [log(stackRunId, "all three")]),
      ).rejects.toBeInstanceOf(ConcurrencyError);
      expect({ guards: await guardsOf(streamId), events: await store.readStream(streamId), outbox: await outboxOf(streamId) }).toEqual(before);
      expect(before.guards).toEqual({ c: 1 });
    });

    it("never deadlocks writers naming the same guards in another order", async () => {
      const { streamId, stackRunId } = await existingStream(store);
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          store.append(streamId, i % 2 ? [{ guard: "a", version: 0 }, { guard: "b", version: 0 }] : [{ guard: "b", version: 0 }, { guard: "a", version: 0 }], [log(stackRunId, `${i}`)]),
        ),
      );
      expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
      expect(results.filter((result) => result.status === "rejected").every((result) => (result as PromiseRejectedResult).reason instanceof ConcurrencyError)).toBe(true);
    });
  });

  describe("append that creates its stream with conditions (a run's first events with what follows them)", () => {
    it("creates the stream with its guards moved from 0 and its counters added, the checked guards left alone", async () => {
      const { streamId, stackRunId } = newStream();
      const stack = `stack:${stackRunId}`;
      const created = { newStream: [{ guard: stack, version: 0 }, { guard: "run", version: 0, check: true }, { counter: "stackRuns", add: 2, max: 5 }] };
      const result = await store.append(streamId, created, ["submitted", "started and completed"].map((m) => log(stackRunId, m)));
      expect(result.events.map((event) => event.metadata.streamVersion)).toEqual([1, 2]);
      expect(await guardsOf(streamId)).toEqual({ [stack]: 1, stackRuns: 2 });
      await expect(store.append(streamId, { guard: stack, version: 0 }, [log(stackRunId, "a second start")])).rejects.toThrow(`found guard ${stack} at 1`);
      await expect(store.append(streamId, { counter: "stackRuns", add: 4, max: 5 }, [log(stackRunId, "too many")])).rejects.toBeInstanceOf(CountExceededError);
      await store.append(streamId, { guard: stack, version: 1 }, [log(stackRunId, "activation 2")]);
      expect(messages(await store.readStream(streamId))).toEqual(["submitted", "started and completed", "activation 2"]);
    });

    it("lets one of many writers creating the same stream through, and writes nothing of the others", async () => {
      const { streamId, stackRunId } = newStream();
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) => store.append(streamId, { newStream: [{ guard: `stack:${i}`, version: 0 }] }, [log(stackRunId, `writer ${i}`)])),
      );
      const won = results.flatMap((result, i) => (result.status === "fulfilled" ? [i] : []));
      expect(won).toHaveLength(1);
      expect(results.filter((result) => result.status === "rejected").every((result) => (result as PromiseRejectedResult).reason instanceof ConcurrencyError)).toBe(true);
      expect(messages(await store.readStream(streamId))).toEqual([`writer ${won[0]}`]);
      expect(await guardsOf(streamId)).toEqual({ [`stack:${won[0]}`]: 1 });
    });

    it("refuses a stream that exists, and conditions that cannot hold on a new one, writing nothing", async () => {
      const { streamId, stackRunId } = await existingStream(store);
      await expect(store.append(streamId, { newStream: [{ guard: "a", version: 0 }] }, [log(stackRunId, "again")])).rejects.toThrow(/expected no stream and guard a at 0, found version 1/);
      expect(await guardsOf(streamId)).toEqual({});
      const fresh = newStream();
      await expect(store.append(fresh.streamId, { newStream: [{ guard: "a", version: 1 }] }, [log(fresh.stackRunId, "x")])).rejects.toThrow("found guard a at 0");
      await expect(store.append(fresh.streamId, { newStream: [{ counter: "c", add: 3, max: 2 }] }, [log(fresh.stackRunId, "x")])).rejects.toBeInstanceOf(CountExceededError);
      expect(await store.readStream(fresh.streamId)).toEqual([]);
      expect(await guardsOf(fresh.streamId)).toEqual({});
    });
  });

  describe("a guard that is only checked", () => {
    it("must hold but does not move, so any number of appends may rest on it until another writer takes it", async () => {
      const { streamId, stackRunId } = await existingStream(store);
      const open = { guard: "run", version: 0, check: true };
      await store.append(streamId, [{ guard: "stack:a", version: 0 }, open], [log(stackRunId, "a while the run is open")]);
      await store.append(streamId, [{ guard: "stack:b", version: 0 }, open], [log(stackRunId, "b while the run is open")]);
      expect(await guardsOf(streamId)).toEqual({ "stack:a": 1, "stack:b": 1 });
      await store.append(streamId, { guard: "run", version: 0 }, [log(stackRunId, "the run ends")]);
      await expect(store.append(streamId, [{ guard: "stack:a", version: 1 }, open], [log(stackRunId, "too late")])).rejects.toThrow(
        "found guard run at 1 and guard stack:a at 1",
      );
      expect(await guardsOf(streamId)).toEqual({ run: 1, "stack:a": 1, "stack:b": 1 });
    });

    it("orders a checked append against a concurrent writer that takes the guard: the append after the taker fails", async () => {
      const { streamId, stackRunId } = await existingStream(store);
      const open = { guard: "run", version: 0, check: true };
      const results = await Promise.allSettled([
        ...Array.from({ length: 10 }, (_, i) => store.append(streamId, [{ guard: `stack:${i}`, version: 0 }, open], [log(stackRunId, `activation ${i}`)])),
        store.append(streamId, { guard: "run", version: 0 }, [log(stackRunId, "ended")]),
        ...Array.from({ length: 10 }, (_, i) => store.append(streamId, [{ guard: `stack:${10 + i}`, version: 0 }, open], [log(stackRunId, `activation ${10 + i}`)])),
      ]);
      const written = messages(await store.readStream(streamId));
      const end = written.indexOf("ended");
      expect(end).toBeGreaterThan(0);
      // Whatever the interleaving, nothing that rested on the open run was written after its end.
      expect(written.slice(end + 1)).toEqual([]);
      expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(end);
    });
  });

  describe("a bounded counter", () => {
    it("adds until the bound, then refuses naming the current value, writing nothing", async () => {
      const { streamId, stackRunId } = await existingStream(store);
      const stackRuns = (add: number) => ({ counter: "stack-runs", add, max: 10 });
      await store.append(streamId, stackRuns(4), [log(stackRunId, "4 calls")]);
      await store.append(streamId, [stackRuns(6), { guard: "stack:x", version: 0 }], [log(stackRunId, "6 more")]);
      const refused = await store.append(streamId, [stackRuns(1), { guard: "stack:x", version: 1 }], [log(stackRunId, "one too many")]).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(CountExceededError);
      expect(refused).toMatchObject({ counter: "stack-runs", value: 10, max: 10 });
      expect(await guardsOf(streamId)).toEqual({ "stack-runs": 10, "stack:x": 1 });
      expect(messages(await store.readStream(streamId))).toEqual(["created", "4 calls", "6 more"]);
    });
  });

  describe("concurrent writers", () => {
    it("20 writers on 20 streams lose nothing", async () => {
      const streams = Array.from({ length: 20 }, newStream);
      await Promise.all(
        streams.map(async ({ streamId, stackRunId }) => {
          let expected: number | "no_stream" = "no_stream";
          for (let i = 0; i < 10; i++) expected = (await store.append(streamId, expected, [log(stackRunId, `${i}`)])).nextExpectedVersion;
        }),
      );
      for (const { streamId } of streams) {
        const read = await store.readStream(streamId);
        expect(read.map((event) => (event.data as { message: string }).message)).toEqual(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
      }
    });

    it("200 concurrent 'any' appends to one stream all land, each once, with gap-free versions", async () => {
      const { streamId, stackRunId } = newStream();
      const messages = Array.from({ length: 200 }, (_, i) => `fact ${i}`);
      await Promise.all(messages.map((message) => store.append(streamId, "any", [log(stackRunId, message)])));
      const read = await store.readStream(streamId);
      expect(read.map((event) => event.metadata.streamVersion)).toEqual(messages.map((_, i) => i + 1));
      expect(read.map((event) => (event.data as { message: string }).message).sort()).toEqual([...messages].sort());
    });
  });

  describe("appends made at once", () => {
    /** Appends sent in a statement with others so far in this process. */
    async function gatheredAppends(): Promise<number> {
      const { values } = await appendBatchSize.get();
      const total = (suffix: string) => values.find((sample) => sample.metricName === `tasker_append_batch_size_${suffix}`)?.value ?? 0;
      return total("sum") - total("count");
    }

    it("go to the database together, and each gets its own answer: the failures theirs, the others all stored in order", async () => {
      const gatheredBefore = await gatheredAppends();
      const versioned = await existingStream(store);
      const guarded = await existingStream(store);
      await store.append(guarded.streamId, { guard: "stack:g", version: 0 }, [log(guarded.stackRunId, "took g")]);
      const counted = await existingStream(store);
      const unstorable = await existingStream(store);
      const fine = Array.from({ length: 40 }, newStream);
      const appended = fine.map(({ streamId, stackRunId }, i) =>
        store.append(streamId, "no_stream", ["a", "b", "c"].map((message) => log(stackRunId, `${message}${i}`))),
      );
      const failing = {
        version: store.append(versioned.streamId, 5, [log(versioned.stackRunId, "at 5")]),
        guard: store.append(guarded.streamId, { guard: "stack:g", version: 0 }, [log(guarded.stackRunId, "g again")]),
        count: store.append(counted.streamId, { counter: "stack-runs", add: 2, max: 1 }, [log(counted.stackRunId, "two")]),
        missing: store.append(runStreamId(newId()), { guard: "stack:g", version: 0 }, [log(newId(), "nowhere")]),
        unstorable: store.append(unstorable.streamId, "any", [{ ...log(unstorable.stackRunId, "nul"), metadata: { correlationId: "a\u0000b" } }]),
      };
      const answers = await Promise.allSettled([...appended, ...Object.values(failing)]);

      const reason = async (append: Promise<unknown>) => append.catch((error: unknown) => error);
      expect(await reason(failing.version)).toMatchObject({ code: "CONCURRENCY", message: expect.stringContaining("expected version 5, found version 1") });
      expect(await reason(failing.guard)).toMatchObject({ code: "CONCURRENCY", message: expect.stringContaining("found guard stack:g at 1") });
      expect(await reason(failing.count)).toBeInstanceOf(CountExceededError);
      expect(await reason(failing.count)).toMatchObject({ counter: "stack-runs", value: 0, max: 1 });
      expect(await reason(failing.missing)).toBeInstanceOf(StreamNotFoundError);
      expect(await reason(failing.unstorable)).toMatchObject({ driverError: { code: "22P05" } });
      expect(answers.slice(0, fine.length).every((answer) => answer.status === "fulfilled")).toBe(true);
      for (const [i, { streamId }] of fine.entries()) {
        const stored = await store.readStream(streamId);
        expect(messages(stored)).toEqual([`a${i}`, `b${i}`, `c${i}`]);
        expect((await appended[i]!).events).toEqual(stored);
      }
      for (const stream of [versioned, counted, unstorable]) expect(messages(await store.readStream(stream.streamId))).toEqual(["created"]);
      expect(messages(await store.readStream(guarded.streamId))).toEqual(["created", "took g"]);
      expect(await guardsOf(counted.streamId)).toEqual({});
      expect(await gatheredAppends()).toBeGreaterThan(gatheredBefore);
    });

    it("keep each one's data as written: \\u0000, unpaired surrogates and a __proto__ key", async () => {
      const gatheredBefore = await gatheredAppends();
      const odd = JSON.parse(String.raw`{"__proto__": "a\u0000b\ud800c", "k": ["\udfff", {"z": 1, "a": 2}]}`) as JsonValue;
      const streams = Array.from({ length: 10 }, newStream);
      const appended = await Promise.all(
        streams.map(({ streamId, stackRunId }, i) => store.append(streamId, "no_stream", [{ type: "stack.completed", data: { stackRunId, result: [i, odd] } }])),
      );
      for (const [i, { streamId, stackRunId }] of streams.entries()) {
        const stored = await store.readStream(streamId);
        expect(JSON.stringify(stored[0]!.data)).toBe(JSON.stringify({ stackRunId, result: [i, odd] }));
        expect(appended[i]!.events).toEqual(stored);
      }
      expect(await gatheredAppends()).toBeGreaterThan(gatheredBefore);
    });
  });

  describe("validation", () => {
    it("rejects an invalid event naming its field, and writes nothing of the batch", async () => {
      const { streamId, stackRunId } = newStream();
      const bad = { type: "log.appended", data: { stackRunId, level: "loud", message: "x", at: new Date().toISOString() } } as never;
      await expect(store.append(streamId, "no_stream", [log(stackRunId, "fine"), bad])).rejects.toMatchObject({
        code: "INVALID_EVENT",
        field: "data.level",
      });
      expect(await store.readStream(streamId)).toEqual([]);
    });
  });

  describe("data as written", () => {
    // A result a task may return: keys out of order, a __proto__ key, strings jsonb refuses, and a
    // literal backslash-u text that must not be taken for an escape.
    const written = `{"zeta":1,"alpha":"a\\u0000b","__proto__":{"x":1},"s":["\\ud800","x\\udc00y"],"literal":"\\\\u0000","mm":{"b":1,"a":2}}`;

    it("gives an event's data back as it was written", async () => {
      const { streamId, stackRunId } = newStream();
      await store.append(streamId, "no_stream", [{ type: "stack.completed", data: { stackRunId, result: JSON.parse(written) as JsonValue } }]);
      const [event] = await store.readStream(streamId);
      expect(JSON.stringify((event!.data as { result: unknown }).result)).toBe(written);
    });

    it("lets a projection read the ids of such an event, on append and on a rebuild", async () => {
      await dataSource.query("CREATE TABLE seen (position bigint PRIMARY KEY, stack_run_id uuid, alpha text, literal text)");
      await dataSource.query(`
        CREATE FUNCTION seen_apply(events json) RETURNS void LANGUAGE sql AS $$
          INSERT INTO seen SELECT x.position, (x.data->>'stackRunId')::uuid, x.data->'result'->>'alpha', x.data->'result'->>'literal'
          FROM json_to_recordset(events) AS x(position bigint, type text, data json) WHERE x.type = 'stack.completed'
        $$`);
      const projected = new EventStore({ dataSource, projections: [{ name: "seen", tables: ["seen"], applyFunction: "seen_apply" }] });
      try {
        const { streamId, stackRunId } = newStream();
        const [event] = (await projected.append(streamId, "no_stream", [{ type: "stack.completed", data: { stackRunId, result: JSON.parse(written) as JsonValue } }])).events;
        const row = { position: String(event!.metadata.position), stack_run_id: stackRunId, alpha: "a\uFFFDb", literal: "\\u0000" };
        const seen = "SELECT position::text AS position, stack_run_id, alpha, literal FROM seen WHERE stack_run_id = $1";
        expect(await dataSource.query(seen, [stackRunId])).toEqual([row]);
        await projected.rebuildProjections();
        expect(await dataSource.query(seen, [stackRunId])).toEqual([row]);
      } finally {
        await projected.close();
      }
    });
  });

  describe("readAll", () => {
    it("pages through every stream in global order", async () => {
      const all = [];
      for (let page = await store.readAll(0, 50); page.length > 0; page = await store.readAll(page.at(-1)!.metadata.position, 50)) {
        all.push(...page);
      }
      const positions = all.map((event) => event.metadata.position);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
      const total = await dataSource.query("SELECT count(*)::int AS n FROM events");
      expect(all).toHaveLength(total[0].n);
    });
  });
});

describe("the event store's statements on PostgreSQL", () => {
  it("are prepared once per connection, named by their text, and serve every append and read after", async () => {
    const database = await createTestDatabase();
    // Two connections (the migrations take turns on one while they run on the other), one of them held
    // aside: what the other has prepared is what every statement of this store went through.
    const dataSource = await openDatabase({ url: database.url, migrations: eventStoreMigrations, poolSize: 2 });
    const aside = await ((dataSource.driver as PostgresDriver).master as pg.Pool).connect();
    const store = new EventStore({ dataSource });
    try {
      const streams = [newStream(), newStream()];
      for (const { streamId, stackRunId } of streams) {
        await store.append(streamId, "no_stream", [log(stackRunId, "first")]);
        await store.append(streamId, 1, [log(stackRunId, "second")]);
      }
      for (const { streamId } of streams) expect((await store.readStream(streamId)).map((event) => event.data)).toMatchObject([{ message: "first" }, { message: "second" }]);
      const prepared = await pooledSql(dataSource).rows<{ name: string; statement: string }>("SELECT name, statement FROM pg_prepared_statements ORDER BY statement");
      // The new stream's append, the next version's, and the stream's read: three texts, each prepared once.
      expect(prepared).toHaveLength(3);
      for (const { name } of prepared) expect(name).toMatch(/^tasker_[0-9a-f]{24}$/);
      expect(prepared.map(({ statement }) => statement)).toEqual([
        expect.stringMatching(/^SELECT [^]* FROM events WHERE stream_id = \$1/),
        expect.stringMatching(/^WITH stream AS \(INSERT INTO streams/),
        expect.stringMatching(/^WITH stream AS \(UPDATE streams/),
      ]);
    } finally {
      aside.release();
      await store.close();
      await dataSource.destroy();
      await database.drop();
    }
  });
});
