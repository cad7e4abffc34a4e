import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeGoogle, startFakeGoogle, startGapiSystem, type TaskerSystem } from "@tasker/testing";

let google: FakeGoogle;
let tasker: TaskerSystem;

beforeAll(async () => {
  google = await startFakeGoogle();
  tasker = await startGapiSystem(google, { GAPI_TIMEOUT_MS: "1500", GAPI_MAX_ATTEMPTS: "3" });
  await tasker.publishExamples("comprehensive-gmail-search", "gapi-list-domains-with-nested", "module-diagnostic", "shared/gapi-helper");
  await tasker.publish(
    "gapi-call",
    `module.exports = async (input, { tools }) => {
       try {
         return { ok: true, data: await __callHostTool__("gapi", input.path, [input.args]) };
       } catch (error) {
         return { ok: false, name: error.name, code: error.code, message: error.message, status: error.status ?? null, service: error.service, method: error.method };
       }
     };`,
  );
}, 120_000);

afterAll(async () => {
  await tasker?.stop();
  await google?.close();
});

describe("gapi-proxy through the kit, every service its own process, against a fake Google", () => {
  it("runs comprehensive-gmail-search end to end, suspending at every Google call", async () => {
    const run = await tasker.run("comprehensive-gmail-search", { gmailSearchQuery: "report", maxUsersPerDomain: 3, maxResultsPerUser: 5 });
    expect(run.status).toBe("completed");
    const result = run.result as { success: boolean; summary: { domainsProcessed: number; usersProcessed: number; totalEmails: number; query: string }; domainResults: { users: { messageCount: number }[] }[] };
    expect(result.success).toBe(true);
    expect(result.summary).toMatchObject({ query: "report", domainsProcessed: 3, usersProcessed: 9 });
    // Two messages of each user mention the report.
    expect(result.summary.totalEmails).toBe(18);
    const events = await tasker.events(`run:${run.taskRunId}`);
    const gapiCalls = events.filter((event) => event.type === "stack.created" && event.data.service === "gapi");
    expect(gapiCalls).toHaveLength(1 + 3 + 9);
    // The root suspended once per domain list, once per user list and once per domain's searches.
    expect(events.filter((event) => event.type === "vm.suspended").length).toBeGreaterThanOrEqual(1 + 3 + 3);
  });

  it("runs gapi-list-domains-with-nested with its nested task", async () => {
    const run = await tasker.run("gapi-list-domains-with-nested", { includeStats: true });
    expect(run.status).toBe("completed");
    const result = run.result as { success: boolean; domains: { domainName: string }[]; stats: unknown };
    expect(result.domains.map((domain) => domain.domainName).sort()).toEqual(["alpha.example", "beta.example", "gamma.example"]);
    expect(result.stats).toBeTruthy();
  });

  it("fails an unknown method at once with UNKNOWN_METHOD naming the path", async () => {
    const run = await tasker.run("gapi-call", { path: ["admin", "directory", "users", "delete"], args: { userKey: "ada@alpha.example" } });
    expect(run.result).toMatchObject({ ok: false, name: "ServiceError", code: "UNKNOWN_METHOD", service: "gapi", method: "admin.directory.users.delete" });
    expect((run.result as { message: string }).message).toContain("admin.directory.users.delete");
  });

  it("retries a 429 and succeeds; fails a 400 at once with the upstream's message and status", async () => {
    google.inject({ kind: "status", status: 429, retryAfter: "1" }, { path: "/admin/directory/v1/customer", times: 1 });
    const retried = await tasker.run("gapi-call", { path: ["admin", "domains", "list"], args: { customer: "my_customer" } });
    expect(retried.result).toMatchObject({ ok: true });
    const events = await tasker.events(`run:${retried.taskRunId}`);
    expect(events.filter((event) => event.type === "stack.retrying")).toHaveLength(1);

    google.inject({ kind: "status", status: 400, message: "Invalid customer id" }, { path: "/admin/directory/v1/customer", times: 1 });
    const failed = await tasker.run("gapi-call", { path: ["admin", "domains", "list"], args: { customer: "my_customer" } });
    expect(failed.result).toMatchObject({ ok: false, code: "UPSTREAM_4XX", status: 400 });
    expect((failed.result as { message: string }).message).toContain("Invalid customer id");
  });

  it("retries a timeout up to the limit, then fails with TIMEOUT; a malformed body fails clearly", async () => {
    google.inject({ kind: "delay", ms: 4000 }, { path: "/admin/directory/v1/customer", times: 3 });
    const slow = await tasker.run("gapi-call", { path: ["admin", "domains", "list"], args: { customer: "my_customer" } });
    expect(slow.result).toMatchObject({ ok: false, code: "TIMEOUT" });
    const events = await tasker.events(`run:${slow.taskRunId}`);
    const calls = new Set(events.flatMap((event) => (event.type === "stack.created" && event.data.service === "gapi" ? [event.data.stackRunId] : [])));
    expect(events.filter((event) => event.type === "stack.started" && calls.has(event.data.stackRunId))).toHaveLength(3);

    google.inject({ kind: "malformed" }, { path: "/admin/directory/v1/customer", times: 1 });
    const malformed = await tasker.run("gapi-call", { path: ["admin", "domains", "list"], args: { customer: "my_customer" } });
    expect(malformed.result).toMatchObject({ ok: false, code: "UPSTREAM_FORMAT" });
  }, 60_000);
});
