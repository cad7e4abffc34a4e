import { createTestDatabase, startFakeGoogle, type FakeGoogle, type TestDatabase } from "@tasker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failureOf, type GapiInstance, openGapiInstance } from "../test/gapi-test-bed.js";
import { gapiMethods } from "./gapi-methods.js";

describe("gapi methods against a fake Google through googleapis", () => {
  let fake: FakeGoogle;
  let database: TestDatabase;
  let gapi: GapiInstance;

  beforeAll(async () => {
    fake = await startFakeGoogle();
    database = await createTestDatabase();
    gapi = await openGapiInstance(database.url, fake);
  });
  afterAll(async () => {
    await gapi?.close();
    await database?.drop();
    await fake?.close();
  });

  it("lists the customer's domains", async () => {
    const result = (await gapi.call(["admin", "directory", "domains", "list"], { customer: "my_customer" })) as { domains: { domainName: string; isPrimary: boolean }[] };
    expect(result.domains.map((domain) => domain.domainName)).toEqual(["alpha.example", "beta.example", "gamma.example"]);
    expect(result.domains[0]!.isPrimary).toBe(true);
  });

  it("answers the short path admin.<resource>.<method> with the same handler as the full path", async () => {
    expect(gapiMethods.resolve(["admin", "domains", "list"])).toBe(gapiMethods.resolve(["admin", "directory", "domains", "list"]));
    expect(await gapi.call(["admin", "domains", "list"], { customer: "my_customer" })).toEqual(await gapi.call(["admin", "directory", "domains", "list"], { customer: "my_customer" }));
  });

  it("resolves a path it does not offer to undefined", () => {
    expect(gapiMethods.resolve(["admin", "directory", "users", "delete"])).toBeUndefined();
    expect(gapiMethods.resolve(["gmail", "users", "messages", "send"])).toBeUndefined();
    expect(gapiMethods.resolve(["admin"])).toBeUndefined();
    expect(gapiMethods.names()).toContain("gmail.users.labels.get");
  });

  it("pages through a domain's users with nextPageToken", async () => {
    const emails: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const page = (await gapi.call(["admin", "directory", "users", "list"], { domain: "beta.example", maxResults: 3, orderBy: "email", ...(pageToken && { pageToken }) })) as {
        users: { primaryEmail: string }[];
        nextPageToken?: string;
      };
      emails.push(...page.users.map((user) => user.primaryEmail));
      pageToken = page.nextPageToken;
      pages++;
    } while (pageToken);
    expect(pages).toBe(2);
    expect(emails).toEqual(["ada@beta.example", "alan@beta.example", "edsger@beta.example", "grace@beta.example"]);
  });

  it("gets a user and lists and gets groups", async () => {
    expect(await gapi.call(["admin", "users", "get"], { userKey: "grace@gamma.example" })).toMatchObject({ primaryEmail: "grace@gamma.example", name: { givenName: "Grace" } });
    const groups = (await gapi.call(["admin", "directory", "groups", "list"], { domain: "alpha.example" })) as { groups: { email: string }[] };
    expect(groups.groups.map((group) => group.email)).toEqual(["staff@alpha.example", "engineering@alpha.example"]);
    expect(await gapi.call(["admin", "directory", "groups", "get"], { groupKey: "staff@alpha.example" })).toMatchObject({ name: "Staff of alpha.example" });
  });

  it("lists, gets and searches a user's mail, threads and labels, impersonating that user", async () => {
    const user = "alan@gamma.example";
    const before = fake.mints({ sub: user });
    const list = (await gapi.call(["gmail", "users", "messages", "list"], { userId: user, q: "subject:quarterly", maxResults: 10 })) as { messages: { id: string }[]; resultSizeEstimate: number };
    expect(list.resultSizeEstimate).toBe(2);
    expect(fake.mints({ sub: user, scope: "https://www.googleapis.com/auth/gmail.readonly" })).toBe(before + 1);
    const message = (await gapi.call(["gmail", "users", "messages", "get"], { userId: user, id: list.messages[0]!.id })) as { payload: { headers: { name: string; value: string }[] } };
    expect(message.payload.headers).toContainEqual({ name: "To", value: user });
    const threads = (await gapi.call(["gmail", "users", "threads", "list"], { userId: user })) as { threads: { id: string }[] };
    expect(threads.threads).toHaveLength(2);
    const thread = (await gapi.call(["gmail", "users", "threads", "get"], { userId: user, id: threads.threads[0]!.id })) as { messages: unknown[] };
    expect(thread.messages).toHaveLength(2);
    const labels = (await gapi.call(["gmail", "users", "labels", "list"], { userId: user })) as { labels: { id: string }[] };
    expect(labels.labels.map((label) => label.id)).toContain("INBOX");
    expect(await gapi.call(["gmail", "users", "labels", "get"], { userId: user, id: "SENT" })).toMatchObject({ id: "SENT", type: "system" });
  });

  it("reads the admin's own mailbox for userId \"me\"", async () => {
    const list = (await gapi.call(["gmail", "users", "messages", "list"], { userId: "me", q: "is:unread" })) as { messages: unknown[] };
    expect(list.messages).toHaveLength(1);
  });

  it("authenticates without handing out the token", async () => {
    const result = (await gapi.call(["authenticate"], "https://www.googleapis.com/auth/admin.directory.domain.readonly")) as Record<string, unknown>;
    expect(result).toEqual({ authenticated: true, scopes: ["https://www.googleapis.com/auth/admin.directory.domain.readonly"], expiresAt: expect.any(String) });
    expect(Date.parse(result["expiresAt"] as string)).toBeGreaterThan(Date.now() + 3_000_000);
  });

  it("rejects arguments that are not Google's parameters", async () => {
    expect(await failureOf(gapi.call(["admin", "directory", "domains", "list"], ["my_customer"]))).toMatchObject({ code: "INVALID_ARGUMENT" });
    expect(await failureOf(gapi.call(["admin", "directory", "domains", "list"], { customer: "my_customer", headers: { host: "x" } }))).toMatchObject({ code: "INVALID_ARGUMENT" });
    expect(await failureOf(gapi.call(["gmail", "users", "messages", "get"], { userId: "ada@alpha.example" }))).toMatchObject({ code: "INVALID_ARGUMENT" });
    expect(await failureOf(gapi.call(["authenticate"], "https://www.googleapis.com/auth/drive"))).toMatchObject({ code: "INVALID_ARGUMENT" });
  });
});
