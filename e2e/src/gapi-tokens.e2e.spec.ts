import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAKE_GOOGLE_ADMIN, type FakeGoogle, GAPI_CALLS_TASK, type RunView, startFakeGoogle, startGapiSystem, type TaskerSystem } from "@tasker/testing";

// Tokens live 25 s and are replaced with 10 s left: fresh for 15 s, several times the first wave's length.
const FIRST_EXPIRES_IN_S = 25;
const REFRESH_MARGIN_MS = 10_000;
const SCOPE = "https://www.googleapis.com/auth/";
const ADMIN = FAKE_GOOGLE_ADMIN;

let google: FakeGoogle;
let tasker: TaskerSystem;

beforeAll(async () => {
  google = await startFakeGoogle({ expiresInSeconds: FIRST_EXPIRES_IN_S });
  tasker = await startGapiSystem(google, { GAPI_TOKEN_REFRESH_MARGIN_MS: String(REFRESH_MARGIN_MS) });
  await tasker.publish("gapi-calls", GAPI_CALLS_TASK);
}, 120_000);

afterAll(async () => {
  await tasker?.stop();
  await google?.close();
});

/** Run `i`'s five calls, all at once: three Admin SDK lists as the admin, two Gmail lists as two users. */
function callsOf(i: number): { domain: string; mailbox: string; labels: string; calls: [string[], Record<string, unknown>][] } {
  const users = google.directory.users.map((user) => user.primaryEmail);
  const domain = google.directory.domains[i % google.directory.domains.length]!;
  const mailbox = users[i % users.length]!;
  const labels = users[(i + 7) % users.length]!;
  return {
    domain,
    mailbox,
    labels,
    calls: [
      [["admin", "directory", "domains", "list"], { customer: "my_customer" }],
      [["admin", "directory", "users", "list"], { domain, orderBy: "email" }],
      [["admin", "directory", "groups", "list"], { domain }],
      [["gmail", "users", "messages", "list"], { userId: mailbox }],
      [["gmail", "users", "labels", "list"], { userId: labels }],
    ],
  };
}

/** The (scope, subject) pairs the runs' calls need: the admin's three directory grants and Gmail for each mailbox. */
function pairsOf(count: number): { scope: string; sub: string }[] {
  const mailboxes = new Set(Array.from({ length: count }, (_, i) => [callsOf(i).mailbox, callsOf(i).labels]).flat());
  return [
    ...["domain", "user", "group"].map((resource) => ({ scope: `${SCOPE}admin.directory.${resource}.readonly`, sub: ADMIN })),
    ...[...mailboxes].map((sub) => ({ scope: `${SCOPE}gmail.readonly`, sub })),
  ];
}

/** Submits `count` runs of five calls at once and checks each answered what Google holds. */
async function wave(count: number): Promise<RunView[]> {
  const ids = await Promise.all(Array.from({ length: count }, (_, i) => tasker.submit("gapi-calls", { calls: callsOf(i).calls })));
  const runs = await Promise.all(ids.map((id) => tasker.result(id, 60)));
  runs.forEach((run, i) => {
    const { domain } = callsOf(i);
    expect(run.status).toBe("completed");
    const [domains, users, groups, messages, labels] = (run.result as { ok: boolean; data: Record<string, { domainName?: string; primaryEmail?: string; email?: string; id?: string }[]> }[]).map((answer) => {
      expect(answer).toMatchObject({ ok: true });
      return answer.data;
    });
    expect(domains!["domains"]!.map((entry) => entry.domainName)).toEqual(google.directory.domains);
    expect(users!["users"]!.map((user) => user.primaryEmail)).toEqual(google.directory.users.filter((user) => user.domain === domain).map((user) => user.primaryEmail).sort());
    expect(groups!["groups"]!.map((group) => group.email).sort()).toEqual([`engineering@${domain}`, `staff@${domain}`]);
    expect(messages!["messages"]).toHaveLength(3);
    expect(labels!["labels"]!.map((label) => label.id)).toContain("INBOX");
  });
  return runs;
}

/** When every cached token has less than the refresh margin left (read from the shared `gapi_tokens`). */
async function allTokensDueAt(): Promise<number> {
  const client = new pg.Client({ connectionString: tasker.env.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ latest: string }>("SELECT max(expires_at_ms) AS latest FROM gapi_tokens");
    return Number(rows[0]!.latest) - REFRESH_MARGIN_MS;
  } finally {
    await client.end();
  }
}

describe("gapi-proxy's tokens, two instances sharing one cache, every service its own process", () => {
  const RUNS = 20;
  const pairs = () => pairsOf(RUNS);

  it("mints exactly one token per (scopes, subject) for 100 calls from 20 concurrent runs", async () => {
    const runs = await wave(RUNS);
    expect(pairs()).toHaveLength(3 + 12);
    for (const pair of pairs()) expect({ ...pair, mints: google.mints(pair) }).toEqual({ ...pair, mints: 1 });
    expect(google.mints()).toBe(pairs().length);
    // Both instances served calls, so the one mint per pair held across processes.
    const events = (await Promise.all(runs.map((run) => tasker.events(`run:${run.taskRunId}`)))).flat();
    const workers = new Set(events.flatMap((event) => (event.type === "stack.started" && /gapi-proxy-[0-9a-f]+$/.test(event.data.worker) ? [event.data.worker] : [])));
    expect(workers.size).toBe(2);
  });

  it("replaces each token near its expiry exactly once, whatever the number of calls needing it", async () => {
    // The replacements live an hour: whatever this wave's length, none of them is due again.
    google.setExpiresIn(3600);
    const due = await allTokensDueAt();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now()) + 500));
    await wave(RUNS);
    for (const pair of pairs()) expect({ ...pair, mints: google.mints(pair) }).toEqual({ ...pair, mints: 2 });
    expect(google.mints()).toBe(2 * pairs().length);
  }, 60_000);
});
