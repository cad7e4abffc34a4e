import { DiscardPolicy, type JetStreamManager, RetentionPolicy, StorageType, type StreamConfig } from "@nats-io/jetstream";
import { assertSubjectPrefix } from "@tasker/contracts";

const NANOS_PER_MS = 1_000_000;

/** The JetStream stream that carries every event (and dead letter) under a subject prefix. */
export function eventStreamName(prefix: string): string {
  return `${assertSubjectPrefix(prefix)}_events`;
}

export interface EventStreamOptions {
  /** How long the bus keeps a message. PostgreSQL is the source of truth; the bus is transport. */
  maxAgeMs: number;
  /** Window in which a repeated `Nats-Msg-Id` is dropped: republishing from the outbox is harmless. */
  duplicateWindowMs: number;
}

export const DEFAULT_EVENT_STREAM_OPTIONS: EventStreamOptions = {
  maxAgeMs: 7 * 24 * 3600 * 1000,
  duplicateWindowMs: 2 * 60 * 1000,
};

/** Creates the stream, or brings an existing one to this configuration; safe for many instances at once. */
export async function ensureEventStream(
  jsm: JetStreamManager,
  prefix: string,
  options: EventStreamOptions = DEFAULT_EVENT_STREAM_OPTIONS,
): Promise<string> {
  const config: Partial<StreamConfig> & { name: string } = {
    name: eventStreamName(prefix),
    subjects: [`${prefix}.>`],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: options.maxAgeMs * NANOS_PER_MS,
    duplicate_window: options.duplicateWindowMs * NANOS_PER_MS,
  };
  try {
    await jsm.streams.add(config);
  } catch {
    // It exists with another configuration (or another instance just made it): update it in place.
    await jsm.streams.update(config.name, config);
  }
  return config.name;
}
