import "reflect-metadata";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { Controller, Inject, type INestMicroservice, Module } from "@nestjs/common";
import { Ctx, EventPattern, Payload } from "@nestjs/microservices";
import { newId, patterns, type RecordedEvent, runStreamId, TaskerError } from "@tasker/contracts";
import { createTestSubjects, TEST_NATS_URL, type TestSubjects } from "@tasker/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { connectNats } from "./connection.js";
import { type DeadLetter, deadLetterSubject } from "./dead-letter.js";
import { ensureEventStream } from "./event-stream.js";
import { JetStreamContext } from "./jetstream-context.js";
import { jetStreamPublisher } from "./jetstream-publisher.js";
import { createJetStreamMicroservice } from "./microservice.js";
import type { JetStreamTransportOptions } from "./jetstream-transport.js";

/** What the test controller does with each message it gets, and what it saw. */
class Behaviour {
  readonly seen: { subject: string; event: RecordedEvent; delivery: number }[] = [];
  react: (event: RecordedEvent) => Promise<void> = async () => undefined;
  private waiters: (() => void)[] = [];

  record(subject: string, event: RecordedEvent, delivery: number) {
    this.seen.push({ subject, event, delivery });
    for (const wake of this.waiters.splice(0)) wake();
  }

  async until(count: number): Promise<void> {
    while (this.seen.length < count) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }
}

@Controller()
class GapiWorker {
  constructor(@Inject(Behaviour) private readonly behaviour: Behaviour) {}

  @EventPattern<string>(patterns.stackCreated("gapi"))
  async onCall(@Payload() event: RecordedEvent, @Ctx() context: JetStreamContext): Promise<void> {
    this.behaviour.record(context.getSubject(), event, context.getDeliveryCount());
    await this.behaviour.react(event);
  }
}

let subjects: TestSubjects;
let nc: NatsConnection;
const apps: INestMicroservice[] = [];

beforeAll(async () => {
  nc = await connectNats(TEST_NATS_URL, "bus-test");
});

// Each test gets its own stream: consumers start from the beginning of the stream.
beforeEach(async () => {
  subjects = createTestSubjects();
  await ensureEventStream(await jetstreamManager(nc), subjects.prefix);
});

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
  await subjects.remove();
});

afterAll(async () => {
  await nc?.close();
});

async function startWorker(
  behaviour: Behaviour,
  options: Partial<JetStreamTransportOptions> & { service: string },
  connection = nc,
): Promise<INestMicroservice> {
  @Module({ controllers: [GapiWorker], providers: [{ provide: Behaviour, useValue: behaviour }] })
  class WorkerModule {}
  const app = await createJetStreamMicroservice(WorkerModule, { connection, prefix: subjects.prefix, ...options });
  await app.listen();
  return app;
}

function event(type: "stack.created" | "stack.completed", service = "gapi"): RecordedEvent {
  const taskRunId = newId();
  const stackRunId = newId();
  const data =
    type === "stack.created"
      ? { stackRunId, parentStackRunId: newId(), seq: 0, service, method: ["admin", "domains", "list"], args: [{}], depth: 1, taskVersion: null }
      : { stackRunId, result: { ok: true } };
  return {
    type,
    data,
    metadata: {
      eventId: newId(),
      streamId: runStreamId(taskRunId),
      streamVersion: 1,
      position: 1,
      recordedAt: new Date().toISOString(),
      traceparent: null,
      causationId: null,
      correlationId: taskRunId,
    },
  } as RecordedEvent;
}

function deadLetters(service: string): { next(): Promise<DeadLetter> } {
  const subscription = nc.subscribe(deadLetterSubject(subjects.prefix, service));
  const iterator = subscription[Symbol.asyncIterator]();
  return { next: async () => JSON.parse((await iterator.next()).value.string()) as DeadLetter };
}

describe("JetStream transport", () => {
  it("gives a handler only the subjects of its pattern", async () => {
    const behaviour = new Behaviour();
    const publisher = jetStreamPublisher(jetstream(nc), subjects.prefix);
    const wanted = event("stack.created", "gapi");
    await publisher.publish(event("stack.created", "tasks"));
    await publisher.publish(event("stack.completed"));
    await publisher.publish(wanted);
    apps.push(await startWorker(behaviour, { service: "only-mine" }));
    await behaviour.until(1);
    // Messages arrive in stream order, so anything it should not have had would have come first.
    expect(behaviour.seen.map((seen) => seen.event)).toEqual([wanted]);
    expect(behaviour.seen[0]!.subject).toBe(`${subjects.prefix}.run.${wanted.metadata.correlationId}.stack.created.gapi`);
  });

  it("drops the same event published twice", async () => {
    const publisher = jetStreamPublisher(jetstream(nc), subjects.prefix);
    const once = event("stack.completed");
    await publisher.publish(once);
    await publisher.publish(once);
    const jsm = await jetstreamManager(nc);
    const stored = await jsm.streams.info(`${subjects.prefix}_events`, { subjects_filter: `${subjects.prefix}.run.${once.metadata.correlationId}.>` });
    expect(stored.state.subjects).toEqual({ [`${subjects.prefix}.run.${once.metadata.correlationId}.stack.completed`]: 1 });
  });

  it("redelivers to another instance a message whose handler died before acking", async () => {
    const doomed = new Behaviour();
    doomed.react = () => new Promise(() => undefined);
    const crashing = await connectNats(TEST_NATS_URL, "doomed-instance");
    await startWorker(doomed, { service: "crashy", ackWaitMs: 1000 }, crashing);
    const work = event("stack.created");
    await jetStreamPublisher(jetstream(nc), subjects.prefix).publish(work);
    await doomed.until(1);
    await crashing.close(); // the process is gone: no ack, no nak

    const survivor = new Behaviour();
    apps.push(await startWorker(survivor, { service: "crashy", ackWaitMs: 1000 }));
    await survivor.until(1);
    expect(survivor.seen[0]!.event).toEqual(work);
    expect(survivor.seen[0]!.delivery).toBe(2);
  });

  it("retries a failing message, then dead-letters it with its error after N deliveries", async () => {
    const behaviour = new Behaviour();
    behaviour.react = async () => {
      throw new TaskerError("UPSTREAM_DOWN", "the upstream API answered 503", "retryable");
    };
    const letters = deadLetters("poisoned");
    apps.push(await startWorker(behaviour, { service: "poisoned", maxDeliveries: 3, retryDelayMs: () => 20 }));
    const poison = event("stack.created");
    await jetStreamPublisher(jetstream(nc), subjects.prefix).publish(poison);
    const letter = await letters.next();
    expect(behaviour.seen.map((seen) => seen.delivery)).toEqual([1, 2, 3]);
    expect(letter.error).toMatchObject({ code: "UPSTREAM_DOWN", message: "the upstream API answered 503" });
    expect(letter.deliveries).toBe(3);
    expect(JSON.parse(letter.payload)).toEqual(poison);
  });

  it("dead-letters a terminal error at once", async () => {
    const behaviour = new Behaviour();
    behaviour.react = async () => {
      throw new TaskerError("BAD_ARGUMENTS", "customer is required", "terminal");
    };
    const letters = deadLetters("strict");
    apps.push(await startWorker(behaviour, { service: "strict", maxDeliveries: 5, retryDelayMs: () => 20 }));
    await jetStreamPublisher(jetstream(nc), subjects.prefix).publish(event("stack.created"));
    const letter = await letters.next();
    expect(letter.error.code).toBe("BAD_ARGUMENTS");
    expect(behaviour.seen).toHaveLength(1);
  });

  it("dead-letters a message that is not a valid event, naming the field", async () => {
    const behaviour = new Behaviour();
    const letters = deadLetters("picky");
    apps.push(await startWorker(behaviour, { service: "picky" }));
    const broken = event("stack.created");
    (broken.data as { method: unknown }).method = "list";
    await jetstream(nc).publish(`${subjects.prefix}.run.${newId()}.stack.created.gapi`, JSON.stringify(broken));
    const letter = await letters.next();
    expect(letter.error).toMatchObject({ code: "INVALID_EVENT", message: expect.stringContaining("data.method") });
    expect(behaviour.seen).toHaveLength(0);
  });
});
