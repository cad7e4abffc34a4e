import { jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { connectNats, ensureEventStream, eventStreamName, jetStreamPublisher } from "@tasker/bus";
import { newId, type NewEvent, type RecordedEvent, runHistoryFilter, runStreamId } from "@tasker/contracts";
import { createIsolatedEnvironment, eventually, type IsolatedEnvironment, type NatsServerProcess, startNatsServerProcess } from "@tasker/testing";
import type { DataSource } from "typeorm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "./database.js";
import { EventStore } from "./event-store.js";
import { eventStoreMigrations } from "./migrations/index.js";

let env: IsolatedEnvironment;
let dataSource: DataSource;
let nats: NatsServerProcess;
let nc: NatsConnection;

beforeAll(async () => {
  env = await createIsolatedEnvironment();
  dataSource = await openDatabase({ url: env.databaseUrl, migrations: eventStoreMigrations });
  nats = await startNatsServerProcess();
  nc = await connectNats(nats.url, "outbox-test");
  await ensureEventStream(await jetstreamManager(nc), env.prefix);
});

afterAll(async () => {
  await nc?.close();
  await nats?.dispose();
  await dataSource?.destroy();
  await env?.cleanup();
});

function storeWithBus(): EventStore {
  const publisher = jetStreamPublisher(nc, env.prefix, 500);
  return new EventStore({ dataSource, publisher, outbox: { sweepIntervalMs: 100, graceMs: 200 } });
}

function submitted(taskRunId: string): NewEvent {
  return { type: "run.submitted", data: { taskRunId, taskName: "echo", taskVersion: "v", input: {}, idempotencyKey: null } };
}

async function messagesOnBus(taskRunId: string): Promise<number> {
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(eventStreamName(env.prefix), { subjects_filter: runHistoryFilter(env.prefix, taskRunId) });
  return Object.values(info.state.subjects ?? {}).reduce((sum, count) => sum + count, 0);
}

const outboxSize = async () => Number((await dataSource.query("SELECT count(*) AS n FROM outbox"))[0].n);

describe("outbox", () => {
  it("publishes each committed event once, right after commit, and empties the outbox", async () => {
    const store = storeWithBus();
    const taskRunId = newId();
    await store.append(runStreamId(taskRunId), "no_stream", [submitted(taskRunId)]);
    await eventually(async () => (await messagesOnBus(taskRunId)) === 1, "the event is on the bus");
    await store.close();
    expect(await outboxSize()).toBe(0);
  });

  it("deletes on close what was confirmed, however long its batch had left to gather, and what was still publishing", async () => {
    const publisher = jetStreamPublisher(nc, env.prefix, 500);
    const store = new EventStore({ dataSource, publisher, outbox: { sweepIntervalMs: 60_000, graceMs: 60_000, confirmBatchMs: 60_000 } });
    const confirmed = newId();
    await store.append(runStreamId(confirmed), "no_stream", [submitted(confirmed)]);
    await eventually(async () => (await messagesOnBus(confirmed)) === 1, "the event is on the bus");
    const publishing = newId();
    await store.append(runStreamId(publishing), "no_stream", [submitted(publishing)]);
    await store.close();
    expect(await messagesOnBus(publishing)).toBe(1);
    expect(await outboxSize()).toBe(0);
  });

  it("publishes an event committed while NATS was down once NATS is back", async () => {
    const store = storeWithBus();
    await nats.stop();
    const taskRunId = newId();
    await store.append(runStreamId(taskRunId), "no_stream", [submitted(taskRunId)]);
    expect(await outboxSize()).toBe(1);
    await nats.start();
    await eventually(async () => (await outboxSize()) === 0, "the sweeper confirmed the event");
    expect(await messagesOnBus(taskRunId)).toBe(1);
    await store.close();
  });

  it("publishes what a process that died between commit and publish left behind", async () => {
    // A store with no bus commits and never publishes: as if its process died right after COMMIT.
    const dead = new EventStore({ dataSource });
    const taskRunId = newId();
    await dead.append(runStreamId(taskRunId), "no_stream", [submitted(taskRunId)]);
    expect(await outboxSize()).toBe(1);
    const survivor = storeWithBus();
    await eventually(async () => (await outboxSize()) === 0, "another instance swept the event");
    expect(await messagesOnBus(taskRunId)).toBe(1);
    await survivor.close();
  });

  it("goes on past an event it cannot publish, records why, and tries it again later", async () => {
    // An event the bus refuses for itself (the real publisher, with one message refused as a server
    // refuses an oversized one): a store with no bus leaves both events to the sweeper.
    const dead = new EventStore({ dataSource });
    const [refused, fine] = [newId(), newId()];
    await dead.append(runStreamId(refused), "no_stream", [submitted(refused)]);
    await dead.append(runStreamId(fine), "no_stream", [submitted(fine)]);
    const real = jetStreamPublisher(nc, env.prefix, 500);
    let refusing = true;
    const publisher = {
      publish: (event: RecordedEvent) =>
        refusing && event.metadata.streamId === runStreamId(refused) ? Promise.reject(new Error("MAX_PAYLOAD_EXCEEDED")) : real.publish(event),
    };
    const errors: unknown[] = [];
    const sweeper = new EventStore({ dataSource, publisher, outbox: { sweepIntervalMs: 100, graceMs: 200, onError: (error) => errors.push(error) } });
    await eventually(async () => (await messagesOnBus(fine)) === 1, "the event after the refused one is published");
    const [row] = await dataSource.query("SELECT o.attempts, o.last_error FROM outbox o JOIN events e USING (position) WHERE e.stream_id = $1", [runStreamId(refused)]);
    expect(row).toMatchObject({ attempts: expect.any(Number), last_error: "MAX_PAYLOAD_EXCEEDED" });
    expect(String(errors[0])).toContain("could not be published");
    refusing = false;
    await eventually(async () => (await messagesOnBus(refused)) === 1, "the refused event is published once the bus takes it", 10_000);
    await sweeper.close();
    await dead.close();
  });
});
