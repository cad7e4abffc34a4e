import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_LAYOUT, eventually, type FakeDuckDuckGo, fakeSearchTarget, startFakeDuckDuckGo, TaskerSystem } from "@tasker/testing";

let duckduckgo: FakeDuckDuckGo;
let tasker: TaskerSystem;

interface Outcome {
  ok: boolean;
  results?: { title: string; url: string; snippet: string }[];
  name?: string;
  code?: string;
  message?: string;
  attempts?: number;
}

beforeAll(async () => {
  duckduckgo = await startFakeDuckDuckGo();
  tasker = await TaskerSystem.start({ WEBSEARCH_BASE_URL: duckduckgo.url }, { ...DEFAULT_LAYOUT, websearch: "websearch-proxy" });
  await tasker.publishExamples("research-brief");
  await tasker.publish(
    "web-search",
    `module.exports = async (input, { tools }) => {
       try {
         return { ok: true, results: await tools.websearch.search(input.query, input.options) };
       } catch (error) {
         return { ok: false, name: error.name, code: error.code, message: error.message, attempts: error.attempts };
       }
     };`,
  );
}, 120_000);

afterAll(async () => {
  await tasker?.stop();
  await duckduckgo?.close();
});

async function search(query: unknown, options?: unknown): Promise<{ taskRunId: string; outcome: Outcome }> {
  const run = await tasker.run("web-search", { query, options });
  expect(run.status).toBe("completed");
  return { taskRunId: run.taskRunId, outcome: run.result as Outcome };
}

describe("websearch-proxy, every service its own process, against a fake DuckDuckGo", () => {
  it("searches through a task, suspending at the call: 10 results by default, maxResults of them when given", async () => {
    const { taskRunId, outcome } = await search("black holes", { maxResults: 3 });
    expect(outcome.ok).toBe(true);
    expect(outcome.results!.map((r) => r.url)).toEqual([1, 2, 3].map((n) => fakeSearchTarget("black holes", n)));
    expect(outcome.results![0]).toEqual({ title: "black holes & co. — result 1", url: fakeSearchTarget("black holes", 1), snippet: 'Everything about black holes: fact number 1, in "plain" words.' });
    const events = await tasker.events(`run:${taskRunId}`);
    expect(events.filter((event) => event.type === "stack.created" && event.data.service === "websearch")).toHaveLength(1);
    expect(events.some((event) => event.type === "vm.suspended")).toBe(true);

    expect((await search("black holes")).outcome.results).toHaveLength(10);
  });

  it("fails an empty query with a catchable INVALID_ARGUMENT naming the query, without asking DuckDuckGo", async () => {
    const before = duckduckgo.requests();
    const { outcome } = await search("   ");
    expect(outcome).toMatchObject({ ok: false, name: "ServiceError", code: "INVALID_ARGUMENT", attempts: 1 });
    expect(outcome.message).toContain("query must not be empty");
    const tooMany = (await search("x", { maxResults: 100 })).outcome;
    expect(tooMany).toMatchObject({ ok: false, code: "INVALID_ARGUMENT" });
    expect(tooMany.message).toContain("options.maxResults");
    expect(duckduckgo.requests()).toBe(before);
  });

  it("answers [] when nothing matches, and fails a changed layout UPSTREAM_FORMAT at once", async () => {
    duckduckgo.inject({ kind: "no-results" }, 1);
    expect((await search("qwxzjv plorf")).outcome).toEqual({ ok: true, results: [] });

    duckduckgo.inject({ kind: "changed-layout" }, 1);
    const changed = (await search("black holes")).outcome;
    expect(changed).toMatchObject({ ok: false, code: "UPSTREAM_FORMAT", attempts: 1 });
    expect(changed.message).toContain("layout has changed");
  });

  it("retries a 500, then succeeds", async () => {
    duckduckgo.inject({ kind: "status", status: 500 }, 1);
    const before = duckduckgo.requests();
    const { taskRunId, outcome } = await search("retried search", { maxResults: 2 });
    expect(outcome.ok).toBe(true);
    expect(outcome.results).toHaveLength(2);
    expect(duckduckgo.requests()).toBe(before + 2);
    const events = await tasker.events(`run:${taskRunId}`);
    expect(events.filter((event) => event.type === "stack.retrying")).toHaveLength(1);
  });

  it("waits out DuckDuckGo's bot check (at least 10 s) before searching again", async () => {
    duckduckgo.inject({ kind: "bot-check" }, 1);
    const { taskRunId, outcome } = await search("challenged search", { maxResults: 1 });
    expect(outcome.ok).toBe(true);
    const events = await tasker.events(`run:${taskRunId}`);
    const retries = events.flatMap((event) => (event.type === "stack.retrying" ? [event] : []));
    expect(retries).toHaveLength(1);
    expect(retries[0]!.data.error).toMatchObject({ code: "RATE_LIMITED", details: { reason: "bot-check", status: 202 } });
    expect(Date.parse(retries[0]!.data.retryAt) - Date.parse(retries[0]!.metadata.recordedAt)).toBeGreaterThanOrEqual(9_000);
  }, 60_000);

  // Its OpenAI half runs where openai-proxy runs (the integrator's e2e): here the run is seen to search, then wait on openai.
  it("runs research-brief's web search, then waits on OpenAI with the snippets in its request", async () => {
    const taskRunId = await tasker.submit("research-brief", { topic: "black holes", maxResults: 2 });
    await eventually(async () => {
      const { body } = await tasker.request<{ status: string; waitingOn?: { service: string }[] }>("GET", `/tasks/${taskRunId}`);
      return body.status === "suspended" && (body.waitingOn ?? []).some((call) => call.service === "openai");
    }, "research-brief waits on openai");
    // The run's own root stack is a "tasks" one: the calls are the others.
    const calls = (await tasker.events(`run:${taskRunId}`)).flatMap((event) => (event.type === "stack.created" && event.data.service !== "tasks" ? [event.data] : []));
    expect(calls.map((call) => call.service)).toEqual(["websearch", "openai"]);
    expect(JSON.stringify(calls[1]!.args)).toContain(fakeSearchTarget("black holes", 2));
  });
});
