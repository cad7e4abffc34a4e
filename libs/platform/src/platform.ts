import { randomBytes } from "node:crypto";
import { type JetStreamClient, jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { connectNats, ensureEventStream, isTransient, jetStreamPublisher } from "@tasker/bus";
import { embeddedDataDir, EventStore, eventStoreMigrations, openDatabase } from "@tasker/event-store";
import { readModelMigrations, readModelsProjection } from "@tasker/read-models";
import { secretsMigrations } from "@tasker/secrets";
import { Logger } from "@nestjs/common";
import type { DataSource } from "typeorm";
import type { TaskerConfig } from "./config.js";
import { ensureDatabase } from "./ensure-database.js";

/** What every service of one process shares: the database, the bus, the event store. Owned by its opener. */
export interface Platform {
  readonly config: TaskerConfig;
  /** Unique per process start: names this instance to the bus (sticky resumes) and in `stack.started`. */
  readonly instanceId: string;
  readonly dataSource: DataSource;
  readonly nats: NatsConnection;
  readonly js: JetStreamClient;
  readonly store: EventStore;
  /** Closes the store (waiting for publishes under way), the bus connection and the database pool. */
  close(): Promise<void>;
}

const outboxLogger = new Logger("event-store");

/** Connects to PostgreSQL (creating the database and running migrations) and NATS (creating the stream). */
export async function openPlatform(config: TaskerConfig, name: string): Promise<Platform> {
  if (!embeddedDataDir(config.DATABASE_URL)) await ensureDatabase(config.DATABASE_URL);
  const dataSource = await openDatabase({
    url: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    migrations: [...eventStoreMigrations, ...readModelMigrations, ...secretsMigrations],
  });
  const instanceId = `${name}-${randomBytes(4).toString("hex")}`;
  const nats = await connectNats(config.NATS_URL, instanceId).catch(async (error) => {
    await dataSource.destroy();
    throw error;
  });
  await ensureEventStream(await jetstreamManager(nats), config.TASKER_SUBJECT_PREFIX);
  const js = jetstream(nats);
  const store = new EventStore({
    dataSource,
    projections: [readModelsProjection],
    publisher: jetStreamPublisher(nats, config.TASKER_SUBJECT_PREFIX),
    outbox: {
      isTransient,
      onError: (error) => outboxLogger.warn(`outbox: ${error instanceof Error ? error.message : String(error)}`),
    },
  });
  return {
    config,
    instanceId,
    dataSource,
    nats,
    js,
    store,
    async close() {
      await store.close();
      await nats.drain().catch(() => nats.close());
      await dataSource.destroy();
    },
  };
}
