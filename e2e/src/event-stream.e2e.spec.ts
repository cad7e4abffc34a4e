import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { openEventStream, type ServerSentEvent, TaskerSystem } from "@tasker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ADMIN_TOKEN = randomBytes(24).toString("base64url");
const UNKNOWN_RUN = "0193a8f2-7c1e-7000-8000-000000000000";
/** Waits for the signal `go`, then calls a child that calls a child: events recorded while a client is away. */
const GATED = `module.exports = async (input, { tools }) => {
  await tools.signals.wait("go");
  return tools.tasks.execute("nested-calls-test", { depth: 1 });
};`;

type Answer<T = any> = { status: number; body: T }; // eslint-disable-line @typescript-eslint/no-explicit-any -- answers are read loosely and their shape asserted

let tasker: TaskerSystem;
const keys: Record<string, string> = {};
const as = (key: string) => (method: string, path: string, body?: unknown): Promise<Answer> => tasker.request(method, path, body, { authorization: `Bearer ${key}` });

async function submit(key: string, taskName: string, input: unknown): Promise<string> {
  const submitted = await as(key)("POST", "/tasks", { taskName, input });
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
  return submitted.body.taskRunId;
}

/** The run's event stream as `key` sees it, with `headers` (and `query`) added; aborted after 60 s at the latest. */
function stream(key: string, taskRunId: string, headers: Record<string, string> = {}, query = "", signal = AbortSignal.timeout(60_000)) {
  return openEventStream(`${tasker.url}/tasks/${taskRunId}/events${query}`, { authorization: `Bearer ${key}`, ...headers }, signal);
}

async function all(events: AsyncIterable<ServerSentEvent>): Promise<ServerSentEvent[]> {
  const received: ServerSentEvent[] = [];
  for await (const event of events) received.push(event);
  return received;
}

/** What the event store holds for the run, in the form the stream sends it: type and version. */
async function recorded(taskRunId: string): Promise<{ event: string; id: string }[]> {
  return (await tasker.events(`run:${taskRunId}`)).map((event) => ({ event: event.type, id: String(event.metadata.streamVersion) }));
}

beforeAll(async () => {
  tasker = await TaskerSystem.start({ TASKER_AUTH: "on", TASKER_ADMIN_TOKEN: ADMIN_TOKEN, TASKER_MASTER_KEY: randomBytes(32).toString("base64") });
  for (const namespace of ["team-a", "team-b"]) {
    const made = await as(ADMIN_TOKEN)("POST", "/auth/keys", { namespace, role: "admin" });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    keys[namespace] = made.body.key;
  }
  const nested = await readFile(new URL("../../tasks/nested-calls-test.js", import.meta.url), "utf8");
  for (const [name, code] of [["nested-calls-test", nested], ["gated", GATED]]) {
    expect((await as(keys["team-a"]!)("POST", "/task-functions", { name, code })).status).toBe(201);
  }
}, 90_000);

afterAll(async () => {
  await tasker?.stop();
});

describe("GET /tasks/:taskRunId/events (Server-Sent Events), every service its own process", () => {
  it("streams a nested run live, in version order, each recorded event once as JSON, and closes after run.completed", async () => {
    const taskRunId = await submit(keys["team-a"]!, "nested-calls-test", { depth: 2 });
    const answer = await stream(keys["team-a"]!, taskRunId);
    expect(answer.status).toBe(200);
    expect(answer.contentType).toMatch(/^text\/event-stream/);
    const received = await all(answer.events);

    expect(received.at(-1)?.event).toBe("run.completed");
    expect(received.map(({ event, id }) => ({ event, id }))).toEqual(await recorded(taskRunId));
    expect(received.filter(({ event }) => event === "stack.created").length).toBeGreaterThan(0);
    for (const { event, id, data } of received) {
      const parsed = JSON.parse(data);
      expect(parsed).toMatchObject({ type: event, metadata: { streamId: `run:${taskRunId}`, streamVersion: Number(id) } });
    }
    const completed = JSON.parse(received.at(-1)!.data);
    expect(completed.data.result).toMatchObject({ depth: 2, nestedResult: { depth: 1, nestedResult: { depth: 0 } } });
  }, 90_000);

  it("resumes after Last-Event-ID (or ?after=): a client that went away misses no event and gets none twice", async () => {
    const key = keys["team-a"]!;
    const taskRunId = await submit(key, "gated", null);
    const away = new AbortController();
    const first = await stream(key, taskRunId, {}, "", AbortSignal.any([away.signal, AbortSignal.timeout(60_000)]));
    const before: ServerSentEvent[] = [];
    for await (const event of first.events) {
      before.push(event);
      if (before.length === 2) break;
    }
    away.abort();
    // Recorded while no client listens: the signal, the child runs, the end.
    expect((await as(key)("POST", `/tasks/${taskRunId}/signals/go`, { payload: null })).status).toBe(202);

    const after = await all((await stream(key, taskRunId, { "Last-Event-ID": before.at(-1)!.id! })).events);
    const history = await recorded(taskRunId);
    expect([...before, ...after].map(({ event, id }) => ({ event, id }))).toEqual(history);
    expect(after.at(-1)?.event).toBe("run.completed");

    // The same from the query, and from past the end: nothing more, and the stream closes.
    const last = history.length;
    expect((await all((await stream(key, taskRunId, {}, `?after=${last - 1}`)).events)).map(({ id }) => id)).toEqual([String(last)]);
    expect(await all((await stream(key, taskRunId, { "Last-Event-ID": String(last) })).events)).toEqual([]);
  }, 90_000);

  it("answers 404 for an unknown run and for a run of another namespace, 400 naming a bad Last-Event-ID", async () => {
    const taskRunId = await submit(keys["team-a"]!, "nested-calls-test", { depth: 0 });
    for (const [key, id] of [[keys["team-a"]!, UNKNOWN_RUN], [keys["team-b"]!, taskRunId]] as const) {
      const answer = await stream(key, id);
      expect(answer.status).toBe(404);
      expect(JSON.parse(await answer.text())).toMatchObject({ error: { code: "TASK_RUN_NOT_FOUND", field: "taskRunId" } });
    }
    const bad = await stream(keys["team-a"]!, taskRunId, { "Last-Event-ID": "twelve" });
    expect(bad.status).toBe(400);
    expect(JSON.parse(await bad.text())).toMatchObject({ error: { field: "Last-Event-ID" } });
    const unauthenticated = await openEventStream(`${tasker.url}/tasks/${taskRunId}/events`);
    expect(unauthenticated.status).toBe(401);
  }, 60_000);

  it("ends its open streams when the gateway shuts down, so a stop never waits on a listener", async () => {
    const key = keys["team-a"]!;
    const taskRunId = await submit(key, "gated", null);
    const answer = await stream(key, taskRunId);
    const events = answer.events[Symbol.asyncIterator]();
    expect((await events.next()).value?.event).toBe("run.submitted");
    const stopping = Date.now();
    await tasker.kill("gateway", "SIGTERM");
    // The server closed the stream: the client reads its end (an abrupt close would reject instead).
    for (let next = await events.next(); !next.done; next = await events.next());
    expect(Date.now() - stopping).toBeLessThan(10_000);
    await tasker.startService("gateway");
    expect((await as(key)("POST", `/tasks/${taskRunId}/signals/go`, { payload: null })).status).toBe(202);
  }, 60_000);
});
