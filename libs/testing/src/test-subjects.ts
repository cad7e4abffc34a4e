import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { randomName } from "./random-name.js";

/** The NATS server (with JetStream) tests use. */
export const TEST_NATS_URL = process.env["TEST_NATS_URL"] ?? "nats://127.0.0.1:4222";

export interface TestSubjects {
  /** A subject prefix no other test uses. */
  readonly prefix: string;
  /** Deletes every JetStream stream that captures subjects under the prefix (and so its consumers). */
  remove(): Promise<void>;
}

/** A fresh subject prefix on the shared NATS server, removed afterwards. */
export function createTestSubjects(natsUrl = TEST_NATS_URL): TestSubjects {
  const prefix = randomName("t");
  return {
    prefix,
    async remove() {
      const nc = await connect({ servers: natsUrl });
      try {
        const jsm = await jetstreamManager(nc);
        for await (const stream of jsm.streams.list()) {
          if (stream.config.subjects?.some((subject) => subject.startsWith(`${prefix}.`))) {
            await jsm.streams.delete(stream.config.name);
          }
        }
      } finally {
        await nc.close();
      }
    },
  };
}
