import { newId, type NewEvent, runStreamId } from "@tasker/contracts";
import { createIsolatedEnvironment, type IsolatedEnvironment } from "@tasker/testing";
import type { DataSource } from "typeorm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "./database.js";
import { ConcurrencyError } from "./errors.js";
import { EventStore } from "./event-store.js";
import { eventStoreMigrations } from "./migrations/index.js";

let env: IsolatedEnvironment;
let dataSource: DataSource;
let store: EventStore;

beforeAll(async () => {
  env = await createIsolatedEnvironment();
  dataSource = await openDatabase({ url: env.databaseUrl, migrations: eventStoreMigrations, poolSize: 30 });
  store = new EventStore({ dataSource });
});

afterAll(async () => {
  await store?.close();
  await dataSource?.destroy();
  await env?.cleanup();
});

function log(stackRunId: string, message: string): NewEvent {
  return { type: "log.appended", data: { stackRunId, level: "info", message, at: new Date().toISOString() } };
}

function newStream(): { streamId: string; stackRunId: string } {
  return { streamId: runStreamId(newId()), stackRunId: newId() };
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
    const { streamId, stackRunId } = newStream();
    const guard = `stack:${stackRunId}`;
    await store.append(streamId, { guard, version: 0 }, [log(stackRunId, "activation 1")]);
    // A sibling's fact moves the stream on, but not the guard.
    await store.append(streamId, "any", [log(newId(), "sibling completed")]);
    await store.append(streamId, { guard, version: 1 }, [log(stackRunId, "activation 2")]);
    await expect(store.append(streamId, { guard, version: 1 }, [log(stackRunId, "stale")])).rejects.toThrow(
      /expected guard stack:.* at 1, found guard stack:.* at 2/,
    );
    expect((await store.readStream(streamId)).map((event) => event.metadata.streamVersion)).toEqual([1, 2, 3]);
  });

  it("lets one of many activations at the same guard version through", async () => {
    const { streamId, stackRunId } = newStream();
    const guard = `stack:${stackRunId}`;
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => store.append(streamId, { guard, version: 0 }, [log(stackRunId, `try ${i}`)])),
    );
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    expect(await store.readStream(streamId)).toHaveLength(1);
  });
});

describe("append under several guards", () => {
  it("holds only when every guard holds, and moves them all together", async () => {
    const { streamId, stackRunId } = newStream();
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
    expect((await store.readStream(streamId)).map((event) => (event.data as { message: string }).message)).toEqual(["activation 1", "cancelled", "both"]);
  });

  it("never deadlocks writers naming the same guards in another order", async () => {
    const { streamId, stackRunId } = newStream();
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        store.append(streamId, i % 2 ? [{ guard: "a", version: 0 }, { guard: "b", version: 0 }] : [{ guard: "b", version: 0 }, { guard: "a", version: 0 }], [log(stackRunId, `${i}`)]),
      ),
    );
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    expect(results.filter((result) => result.status === "rejected").every((result) => (result as PromiseRejectedResult).reason instanceof ConcurrencyError)).toBe(true);
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
