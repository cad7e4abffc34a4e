import { createTestDatabase, startFakeGoogle, type FakeGoogle, type TestDatabase } from "@tasker/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDataSource } from "@tasker/event-store";
import { createGapiClient, gapiMethods, loadGapiConfig } from "./index.js";
import { type GapiInstance, openGapiInstance, testSealer } from "../test/gapi-test-bed.js";

const DOMAINS_SCOPE = "https://www.googleapis.com/auth/admin.directory.domain.readonly";
const GMAIL_SCOPE = "https://www.googleapis.com/auth/gmail.readonly";

describe("gapi tokens shared through the database", () => {
  let fake: FakeGoogle;
  let database: TestDatabase;
  let first: GapiInstance;
  let second: GapiInstance;

  beforeAll(async () => {
    fake = await startFakeGoogle();
    database = await createTestDatabase();
    // Two instances as two processes would be, starting at once (both create gapi_tokens).
    const env = { GAPI_TOKEN_REFRESH_MARGIN_MS: "1000" };
    [first, second] = await Promise.all([openGapiInstance(database.url, fake, { env }), openGapiInstance(database.url, fake, { env })]);
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await database?.drop();
    await fake?.close();
  });

  it("mints exactly one token per (scopes, subject) for 20 concurrent calls on two instances, stored sealed", async () => {
    const mailbox = "edsger@alpha.example";
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const instance = i % 2 === 0 ? first : second;
        return i % 4 < 2
          ? instance.call(["admin", "directory", "domains", "list"], { customer: "my_customer" })
          : instance.call(["gmail", "users", "messages", "list"], { userId: mailbox });
      }),
    );
    expect(fake.mints({ scope: DOMAINS_SCOPE, sub: "ada@alpha.example" })).toBe(1);
    expect(fake.mints({ scope: GMAIL_SCOPE, sub: mailbox })).toBe(1);
    expect(fake.mints()).toBe(2);

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ key: string; sealed_token: string }>("SELECT key, sealed_token FROM gapi_tokens ORDER BY key");
      expect(rows.map((row) => row.key)).toEqual([`ada@alpha.example ${DOMAINS_SCOPE}`, `${mailbox} ${GMAIL_SCOPE}`]);
      for (const row of rows) expect(row.sealed_token).toMatch(/^sealed:/);
    } finally {
      await client.end();
    }
  });

  it("replaces a token about to expire exactly once, whichever instance sees it first", async () => {
    const mailbox = "grace@beta.example";
    const calls = () =>
      Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? first : second).call(["gmail", "users", "labels", "list"], { userId: mailbox })));
    fake.setExpiresIn(2);
    await first.call(["gmail", "users", "labels", "list"], { userId: mailbox });
    fake.setExpiresIn(3600);
    await calls();
    expect(fake.mints({ sub: mailbox })).toBe(1);

    // Less than the margin (1 s) is left now.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await calls();
    await calls();
    expect(fake.mints({ sub: mailbox })).toBe(2);
  });
});

describe("gapi tokens minted with a small pool", () => {
  it("mints tokens for more keys at once than the pool has connections, reading the key from the database", async () => {
    const fake = await startFakeGoogle();
    const database = await createTestDatabase();
    const dataSource = createDataSource({ url: database.url, migrations: [], poolSize: 2 });
    await dataSource.initialize();
    try {
      const key = fake.serviceAccountJson();
      // As the keystore reads it: a query on the same pool, while other keys' mints hold connections.
      const loadCredentials = async () => ((await dataSource.query("SELECT $1::text AS key", [key])) as { key: string }[])[0]!.key;
      const config = loadGapiConfig({ GAPI_ADMIN_SUBJECT: "ada@alpha.example", GOOGLE_API_ROOT_URL: fake.rootUrl, GOOGLE_TOKEN_URL: fake.tokenUrl });
      const client = await createGapiClient(dataSource, config, { loadCredentials, sealer: testSealer });
      const mailboxes = fake.directory.users.slice(0, 8).map((user) => user.primaryEmail);
      const handler = gapiMethods.resolve(["gmail", "users", "labels", "list"])!;
      const calls = mailboxes.map((userId) =>
        handler(client, [{ userId }], { service: "gapi", method: ["gmail", "users", "labels", "list"], taskRunId: "r", namespace: "default", stackRunId: "s", attempt: 1, signal: new AbortController().signal }),
      );
      await expect(Promise.race([Promise.all(calls), new Promise((_, reject) => setTimeout(() => reject(new Error("the mints waited for connections")), 20_000))])).resolves.toHaveLength(8);
      expect(fake.mints({ scope: GMAIL_SCOPE })).toBe(8);
    } finally {
      await dataSource.destroy();
      await database.drop();
      await fake.close();
    }
  });
});
