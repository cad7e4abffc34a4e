// `npm run bench -- event-store`: append latency and throughput of the event store (with the read
// models' projections), and the latency from a JetStream publish (or an append) to a Nest handler.
import "reflect-metadata";
import { jetstreamManager } from "@nats-io/jetstream";
import { Controller, Inject, Module } from "@nestjs/common";
import { EventPattern, Payload } from "@nestjs/microservices";
import { connectNats, createJetStreamMicroservice, ensureEventStream, jetStreamPublisher } from "@tasker/bus";
import { newId, type NewEvent, patterns, type RecordedEvent, runStreamId } from "@tasker/contracts";
import { EventStore, eventStoreMigrations, openDatabase } from "@tasker/event-store";
import { readModelMigrations, readModelsProjection } from "@tasker/read-models";
import { createTestDatabase, createTestSubjects, TEST_NATS_URL } from "@tasker/testing";
import { percentile, report, round, since } from "./_stats.js";

const APPENDS = 2000;
const CONCURRENT_WRITERS = 16;
const HOPS = 1000;

const database = await createTestDatabase();
const subjects = createTestSubjects();
const dataSource = await openDatabase({ url: database.url, migrations: [...eventStoreMigrations, ...readModelMigrations], poolSize: CONCURRENT_WRITERS + 2 });
const nc = await connectNats(TEST_NATS_URL, "bench-event-store");
await ensureEventStream(await jetstreamManager(nc), subjects.prefix);
const publisher = jetStreamPublisher(nc, subjects.prefix);
const store = new EventStore({ dataSource, projections: [readModelsProjection], publisher });

/** One activation's outcome: a log line, a child call, and the suspension: three events, three projections. */
function activation(root: string, seq: number): NewEvent[] {
  return [
    { type: "log.appended", data: { stackRunId: root, level: "info", message: `calling child ${seq}`, at: new Date().toISOString() } },
    { type: "stack.created", data: { stackRunId: newId(), parentStackRunId: root, seq, service: "gapi", method: ["admin", "domains", "list"], args: [{}], depth: 1, taskVersion: null } },
    { type: "vm.suspended", data: { stackRunId: root, activation: seq + 1, at: Date.now(), waitingOn: [seq], worker: "bench-executor" } },
  ];
}

async function newRun(): Promise<{ streamId: string; root: string; calls: number }> {
  const taskRunId = newId();
  const root = newId();
  const streamId = runStreamId(taskRunId);
  await store.append(streamId, "no_stream", [
    { type: "run.submitted", data: { taskRunId, taskName: "bench", taskVersion: "v", input: {}, idempotencyKey: null } },
    { type: "stack.created", data: { stackRunId: root, parentStackRunId: null, seq: null, service: "tasks", method: ["execute"], args: [], depth: 0, taskVersion: "v" } },
  ]);
  return { streamId, root, calls: 0 };
}

const runs = await Promise.all(Array.from({ length: 100 }, newRun));
const appendOnce = async (index: number) => {
  const run = runs[index % runs.length]!;
  await store.append(run.streamId, "any", activation(run.root, run.calls++));
};

for (let i = 0; i < 200; i++) await appendOnce(i); // warm-up
const latencies: number[] = [];
const sequentialStart = performance.now();
for (let i = 0; i < APPENDS; i++) {
  const start = performance.now();
  await appendOnce(i);
  latencies.push(since(start));
}
const sequentialSeconds = (performance.now() - sequentialStart) / 1000;

let next = 0;
const concurrentStart = performance.now();
await Promise.all(
  Array.from({ length: CONCURRENT_WRITERS }, async () => {
    while (next < APPENDS) await appendOnce(next++);
  }),
);
const concurrentSeconds = (performance.now() - concurrentStart) / 1000;
report({
  bench: "event-store.append",
  events_per_append: 3,
  n: APPENDS,
  p50_ms: percentile(latencies, 50),
  p99_ms: percentile(latencies, 99),
  appends_per_s: round(APPENDS / sequentialSeconds, 0),
  [`appends_per_s_${CONCURRENT_WRITERS}_writers`]: round(APPENDS / concurrentSeconds, 0),
});

/** Measures the hop to a Nest handler behind the JetStream transport. */
class Arrivals {
  private wake: ((at: number) => void) | undefined;
  next(): Promise<number> {
    return new Promise((resolve) => (this.wake = resolve));
  }
  arrived(): void {
    this.wake?.(performance.now());
  }
}

@Controller()
class Receiver {
  constructor(@Inject(Arrivals) private readonly arrivals: Arrivals) {}
  @EventPattern<string>(patterns.event("stack.completed"))
  onCompleted(@Payload() _event: RecordedEvent): void {
    this.arrivals.arrived();
  }
}

const arrivals = new Arrivals();
@Module({ controllers: [Receiver], providers: [{ provide: Arrivals, useValue: arrivals }] })
class ReceiverModule {}
const app = await createJetStreamMicroservice(ReceiverModule, { connection: nc, prefix: subjects.prefix, service: "bench" });
await app.listen();

async function hops(send: (i: number) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < HOPS + 100; i++) {
    const arrived = arrivals.next();
    const start = performance.now();
    await send(i);
    const at = await arrived;
    if (i >= 100) samples.push(round(at - start));
  }
  return samples;
}

const run = runs[0]!;
const completed = (): NewEvent => ({ type: "stack.completed", data: { stackRunId: newId(), result: { ok: true } } });
const published = await hops(async () => {
  const [event] = (await store.append(run.streamId, "any", [completed()])).events;
  return event; // the append published it already; measured below with the commit included
});
const direct = await hops(async () => {
  const event = { ...completed(), metadata: { eventId: newId(), streamId: run.streamId, streamVersion: 1, position: 1, recordedAt: new Date().toISOString(), traceparent: null, causationId: null, correlationId: null } } as RecordedEvent;
  await publisher.publish(event);
});
report({ bench: "bus.publish-to-handler", n: HOPS, p50_ms: percentile(direct, 50), p99_ms: percentile(direct, 99) });
report({ bench: "event-store.append-to-handler", n: HOPS, p50_ms: percentile(published, 50), p99_ms: percentile(published, 99) });

await app.close();
await store.close();
await nc.close();
await dataSource.destroy();
await database.drop();
await subjects.remove();
