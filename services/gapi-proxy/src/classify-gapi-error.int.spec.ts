import { createFakeServiceAccount, createTestDatabase, startFakeGoogle, type FakeGoogle, type TestDatabase } from "@tasker/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { failureOf, type GapiInstance, openGapiInstance } from "../test/gapi-test-bed.js";

const DOMAINS = ["admin", "directory", "domains", "list"];
const DOMAINS_PATH = "/admin/directory/v1/customer";

describe("gapi errors, classified from what Google answers", () => {
  let fake: FakeGoogle;
  let database: TestDatabase;
  let gapi: GapiInstance;
  const opened: GapiInstance[] = [];
  const messages: string[] = [];

  /** Every failure's message and details, kept to check that none holds secret material. */
  async function failure(call: Promise<unknown>) {
    const error = await failureOf(call);
    messages.push(error.message, JSON.stringify(error.details ?? {}));
    return error;
  }
  async function instanceWith(credentials: string | undefined, env: Record<string, string> = {}) {
    // A database of their own: the tokens the good key minted must not answer for them.
    const own = await createTestDatabase();
    const instance = await openGapiInstance(own.url, fake, { credentials, env });
    opened.push({ ...instance, close: () => instance.close().then(() => own.drop()) });
    return instance;
  }

  beforeAll(async () => {
    fake = await startFakeGoogle();
    database = await createTestDatabase();
    gapi = await openGapiInstance(database.url, fake);
    await gapi.call(DOMAINS, { customer: "my_customer" });
  });
  afterEach(() => fake.clearFaults());
  afterAll(async () => {
    await Promise.all(opened.map((instance) => instance.close()));
    await gapi?.close();
    await database?.drop();
    await fake?.close();
  });

  it("429 is RATE_LIMITED, retryable after Retry-After (seconds or an HTTP date)", async () => {
    fake.inject({ kind: "status", status: 429, retryAfter: "7", message: "Quota exceeded for quota metric 'Queries'" }, { path: DOMAINS_PATH, times: 1 });
    expect(await failure(gapi.call(DOMAINS, { customer: "my_customer" }))).toMatchObject({ code: "RATE_LIMITED", status: 429, retryable: true, retryAfterMs: 7000 });
    fake.inject({ kind: "status", status: 429, retryAfter: new Date(Date.now() + 60_000).toUTCString() }, { path: DOMAINS_PATH, times: 1 });
    const dated = await failure(gapi.call(DOMAINS, { customer: "my_customer" }));
    expect(dated.retryAfterMs).toBeGreaterThan(55_000);
    expect(dated.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(fake.requests(DOMAINS_PATH)).toBe(3); // the SDK itself retried nothing
  });

  it("400 is UPSTREAM_4XX, terminal, with the status and Google's own message", async () => {
    const error = await failure(gapi.call(["admin", "directory", "users", "list"], { domain: "alpha.example", maxResults: 0 }));
    expect(error).toMatchObject({ code: "UPSTREAM_4XX", status: 400, retryable: false, details: { reason: "invalidParameter" } });
    expect(error.message).toContain("Values must be within the range: [1, 500]");
    expect(await failure(gapi.call(["admin", "directory", "domains", "get"], { customer: "my_customer", domainName: "nowhere.example" }))).toMatchObject({
      code: "UPSTREAM_4XX",
      status: 404,
      message: "Google answered 404: Domain not found.",
    });
  });

  it("500 is UPSTREAM_5XX, retryable", async () => {
    fake.inject({ kind: "status", status: 500, message: "Backend Error" }, { path: DOMAINS_PATH, times: 1 });
    expect(await failure(gapi.call(DOMAINS, { customer: "my_customer" }))).toMatchObject({ code: "UPSTREAM_5XX", status: 500, retryable: true, message: "Google answered 500: Backend Error" });
  });

  it("a body that is not JSON is UPSTREAM_FORMAT, terminal", async () => {
    fake.inject({ kind: "malformed" }, { path: DOMAINS_PATH, times: 1 });
    expect(await failure(gapi.call(DOMAINS, { customer: "my_customer" }))).toMatchObject({ code: "UPSTREAM_FORMAT", retryable: false });
  });

  it("an aborted attempt is TIMEOUT, retryable; a dropped connection is NETWORK_ERROR, retryable", async () => {
    fake.inject({ kind: "delay", ms: 5000 }, { path: DOMAINS_PATH, times: 1 });
    const started = Date.now();
    expect(await failure(gapi.call(DOMAINS, { customer: "my_customer" }, AbortSignal.timeout(100)))).toMatchObject({ code: "TIMEOUT", retryable: true });
    expect(Date.now() - started).toBeLessThan(2000);
    fake.inject({ kind: "reset" }, { path: DOMAINS_PATH, times: 1 });
    expect(await failure(gapi.call(DOMAINS, { customer: "my_customer" }))).toMatchObject({ code: "NETWORK_ERROR", retryable: true });
  });

  it("a key Google does not know, or a wrong private key, is PERMISSION_DENIED with Google's description", async () => {
    const wrongKey = await instanceWith(createFakeServiceAccount(JSON.parse(fake.serviceAccountJson()).client_email).json);
    const signature = await failure(wrongKey.call(DOMAINS, { customer: "my_customer" }));
    expect(signature).toMatchObject({ code: "PERMISSION_DENIED", retryable: false, details: { reason: "invalid_grant" } });
    expect(signature.message).toContain("Invalid JWT Signature.");
    const stranger = await instanceWith(createFakeServiceAccount("stranger@elsewhere.iam.gserviceaccount.com").json);
    expect((await failure(stranger.call(DOMAINS, { customer: "my_customer" }))).message).toContain("account not found");
  });

  it("a missing or unreadable key, or no admin subject, fails with what to do", async () => {
    const missing = await failure((await instanceWith(undefined)).call(DOMAINS, { customer: "my_customer" }));
    expect(missing).toMatchObject({
      code: "SECRET_NOT_FOUND",
      message: 'the Google service-account key is not in the keystore under "gapi-service-account": tasker keys set gapi-service-account --file key.json',
    });
    const garbled = await failure((await instanceWith("{not json", { GAPI_CREDENTIALS_KEY: "google-key" })).call(DOMAINS, { customer: "my_customer" }));
    expect(garbled).toMatchObject({ code: "INVALID_ARGUMENT" });
    expect(garbled.message).toContain('"google-key"');
    const broken = JSON.stringify({ ...JSON.parse(fake.serviceAccountJson()), private_key: "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n" });
    expect(await failure((await instanceWith(broken)).call(DOMAINS, { customer: "my_customer" }))).toMatchObject({ code: "INVALID_ARGUMENT" });
    const noSubject = await failure((await instanceWith(fake.serviceAccountJson(), { GAPI_ADMIN_SUBJECT: "" })).call(DOMAINS, { customer: "my_customer" }));
    expect(noSubject).toMatchObject({ code: "INVALID_CONFIGURATION" });
    expect(noSubject.message).toContain("GAPI_ADMIN_SUBJECT");
  });

  it("puts no secret material in any message or details", () => {
    const key = JSON.parse(fake.serviceAccountJson()).private_key as string;
    const keyBody = key.split("\n")[5]!;
    expect(messages.length).toBeGreaterThan(10);
    for (const text of messages) {
      expect(text).not.toMatch(/-----BEGIN|ya29\.|Bearer |authorization:|at .*\.[jt]s:\d+/i);
      expect(text).not.toContain(keyBody);
    }
  });
});
