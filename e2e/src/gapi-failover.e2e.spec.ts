import type { RecordedEvent } from "@tasker/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, type FakeGoogle, GAPI_CALLS_TASK, startFakeGoogle, startGapiSystem, type TaskerSystem } from "@tasker/testing";

// Short attempts (a lease is the timeout plus as long again, at least 2 s) and a short ack wait, so what the
// killed instance held comes back within the test's time.
const TIMEOUT_MS = 2000;
const GOOGLE_DELAY_MS = 500;
const RUNS = 20;
const CALLS_PER_RUN = 10;

let google: FakeGoogle;
let tasker: TaskerSystem;

beforeAll(async () => {
  google = await startFakeGoogle();
  tasker = await startGapiSystem(google, { TASKER_ACK_WAIT_MS: "3000", GAPI_TIMEOUT_MS: String(TIMEOUT_MS) });
  await tasker.publish("gapi-calls", GAPI_CALLS_TASK);
}, 120_000);

afterAll(async () => {
  await tasker?.stop();
  await google?.close();
});

/** Call `k` of run `r`: alternately a user's directory entry (as the admin) and the user's mails (as the user). */
function mailboxOf(r: number, k: number): string {
  const users = google.directory.users;
  return users[(r * CALLS_PER_RUN + k) % users.length]!.primaryEmail;
}

function callsOf(r: number): [string[], Record<string, unknown>][] {
  return Array.from({ length: CALLS_PER_RUN }, (_, k) =>
    k % 2 === 0 ? [["admin", "directory", "users", "get"], { userKey: mailboxOf(r, k) }] : [["gmail", "users", "messages", "list"], { userId: mailboxOf(r, k) }],
  );
}

const googleApiRequests = () => google.requests("/admin/") + google.requests("/gmail/");
const isGapiWorker = (worker: string) => /gapi-proxy-[0-9a-f]+$/.test(worker);

function startsByWorker(events: readonly RecordedEvent[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const event of events) if (event.type === "stack.started" && isGapiWorker(event.data.worker)) counts.set(event.data.worker, (counts.get(event.data.worker) ?? 0) + 1);
  return counts;
}

describe("two gapi-proxy instances sharing 200 calls, one SIGKILLed mid-way", () => {
  it("completes every call once: the dead instance's calls are taken over after their lease, none runs after its result", async () => {
    google.inject({ kind: "delay", ms: GOOGLE_DELAY_MS }, { path: "/admin/" });
    google.inject({ kind: "delay", ms: GOOGLE_DELAY_MS }, { path: "/gmail/" });
    const ids = await Promise.all(Array.from({ length: RUNS }, (_, r) => tasker.submit("gapi-calls", { calls: callsOf(r) })));

    await eventually(() => googleApiRequests() >= 60, "Google received 60 of the 200 calls", 30_000);
    await tasker.kill("gapi-a");
    const atKill = startsByWorker(await tasker.events("run:%"));
    const requestsAtKill = googleApiRequests();

    const runs = await Promise.all(ids.map((id) => tasker.result(id, 60)));
    runs.forEach((run, r) => {
      expect(run.status).toBe("completed");
      (run.result as { ok: boolean; data: { primaryEmail?: string; messages?: unknown[] } }[]).forEach((answer, k) => {
        expect(answer).toMatchObject({ ok: true });
        if (k % 2 === 0) expect(answer.data.primaryEmail).toBe(mailboxOf(r, k));
        else expect(answer.data.messages).toHaveLength(3);
      });
    });

    const events = await tasker.events("run:%");
    const calls = new Map<string, RecordedEvent[]>();
    for (const event of events) {
      if (event.type === "stack.created" && event.data.service === "gapi") calls.set(event.data.stackRunId, []);
      const id = (event.data as { stackRunId?: string }).stackRunId;
      if (id !== undefined && event.type !== "stack.created") calls.get(id)?.push(event);
    }
    expect(calls.size).toBe(RUNS * CALLS_PER_RUN);

    // Both instances took calls; the killed one (its count stopped at the kill) no more after it.
    const atEnd = startsByWorker(events);
    expect(atKill.size).toBe(2);
    const [killed, survivor] = [...atEnd.keys()].sort((a, b) => (atEnd.get(a)! - atKill.get(a)!) - (atEnd.get(b)! - atKill.get(b)!));
    expect(atEnd.get(killed!)).toBe(atKill.get(killed!));
    expect(atEnd.get(survivor!)).toBeGreaterThan(atKill.get(survivor!)!);

    let takenOver = 0;
    for (const [stackRunId, history] of calls) {
      const settlements = history.filter((event) => event.type === "stack.completed" || event.type === "stack.failed");
      expect({ stackRunId, settlements: settlements.map((event) => event.type) }).toEqual({ stackRunId, settlements: ["stack.completed"] });
      const settledAt = history.indexOf(settlements[0]!);
      expect(history.slice(settledAt + 1).filter((event) => event.type === "stack.started"), `${stackRunId} started after its result`).toEqual([]);
      const starts = history.filter((event) => event.type === "stack.started");
      // The killed instance's attempt in flight is taken over once its lease ran out, not before.
      for (const [previous, next] of starts.slice(0, -1).map((start, i) => [start, starts[i + 1]!] as const)) {
        expect(previous.data.worker).toBe(killed);
        expect(next.data.worker).toBe(survivor);
        expect(Date.parse(next.metadata.recordedAt)).toBeGreaterThanOrEqual(Date.parse(previous.data.leaseUntil));
        takenOver++;
      }
      expect(starts.length).toBeLessThanOrEqual(2);
    }
    expect(takenOver).toBeGreaterThan(0);

    // At least once toward Google: only a call in flight when its instance died may have reached it twice.
    const repeated = googleApiRequests() - RUNS * CALLS_PER_RUN;
    expect(repeated).toBeGreaterThanOrEqual(0);
    expect(repeated).toBeLessThanOrEqual(takenOver);
    console.log(
      JSON.stringify({ starts: Object.fromEntries([...atEnd].map(([worker, count]) => [worker === killed ? "killed" : "survivor", { atKill: atKill.get(worker), atEnd: count }])), requestsAtKill, takenOver, repeatedGoogleCalls: repeated }),
    );
  }, 90_000);
});
