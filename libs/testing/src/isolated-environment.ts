import { createTestDatabase, type TestDatabase } from "./test-database.js";
import { createTestSubjects, TEST_NATS_URL, type TestSubjects } from "./test-subjects.js";

/** What one test file runs against: its own database and subject prefix on the shared servers. */
export interface IsolatedEnvironment {
  readonly databaseUrl: string;
  readonly natsUrl: string;
  readonly prefix: string;
  /** Removes the database and the JetStream streams of the prefix. */
  cleanup(): Promise<void>;
}

export async function createIsolatedEnvironment(): Promise<IsolatedEnvironment> {
  const database: TestDatabase = await createTestDatabase();
  const subjects: TestSubjects = createTestSubjects();
  return {
    databaseUrl: database.url,
    natsUrl: TEST_NATS_URL,
    prefix: subjects.prefix,
    cleanup: async () => {
      await Promise.all([database.drop(), subjects.remove()]);
    },
  };
}
