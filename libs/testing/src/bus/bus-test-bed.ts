import "reflect-metadata";
import { jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { type INestMicroservice, Module } from "@nestjs/common";
import {
  connectNats,
  createJetStreamMicroservice,
  type DeadLetter,
  deadLetterSubject,
  ensureEventStream,
  eventStreamName,
  jetStreamPublisher,
  type JetStreamTransportOptions,
} from "@tasker/bus";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { createTestSubjects, TEST_NATS_URL, type TestSubjects } from "../test-subjects.js";
import { Behaviour, GapiWorker } from "./behaviour.js";

/** What a bus test works with; each test gets its own subject prefix and stream. */
export interface BusTestBed {
  readonly prefix: string;
  readonly stream: string;
  readonly nc: NatsConnection;
  jsm(): Promise<JetStreamManager>;
  publisher(): ReturnType<typeof jetStreamPublisher>;
  /** A `GapiWorker` acting as `behaviour`, on `connection` (the shared one: closed after the test). */
  startWorker(behaviour: Behaviour, options: Partial<JetStreamTransportOptions> & { service: string }, connection?: NatsConnection): Promise<INestMicroservice>;
  /** The dead letters of `service`, as they are published from now on. */
  deadLetters(service: string): { next(): Promise<DeadLetter> };
}

/** Registers the hooks that give each test of the file its own stream, and closes what it started. */
export function useBusTestBed(): BusTestBed {
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

  return {
    get prefix() {
      return subjects.prefix;
    },
    get stream() {
      return eventStreamName(subjects.prefix);
    },
    get nc() {
      return nc;
    },
    jsm: () => jetstreamManager(nc),
    publisher: () => jetStreamPublisher(nc, subjects.prefix),
    async startWorker(behaviour, options, connection = nc) {
      @Module({ controllers: [GapiWorker], providers: [{ provide: Behaviour, useValue: behaviour }] })
      class WorkerModule {}
      const app = await createJetStreamMicroservice(WorkerModule, { connection, prefix: subjects.prefix, ...options });
      await app.listen();
      if (connection === nc) apps.push(app);
      return app;
    },
    deadLetters(service) {
      const subscription = nc.subscribe(deadLetterSubject(subjects.prefix, service));
      const iterator = subscription[Symbol.asyncIterator]();
      return { next: async () => JSON.parse((await iterator.next()).value.string()) as DeadLetter };
    },
  };
}
