import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type FakeDuckDuckGo,
  type FakeOpenAi,
  fakeSearchSnippet,
  fakeSearchTarget,
  fakeSearchTitle,
  OPENAI_LAYOUT,
  startFakeDuckDuckGo,
  startFakeOpenAi,
  startOpenAiSystem,
  type TaskerSystem,
} from "@tasker/testing";

let openai: FakeOpenAi;
let duckduckgo: FakeDuckDuckGo;
let tasker: TaskerSystem;

beforeAll(async () => {
  openai = await startFakeOpenAi();
  duckduckgo = await startFakeDuckDuckGo();
  // Enforcement on: the example must declare every service it uses to run at all.
  tasker = await startOpenAiSystem(openai, { WEBSEARCH_BASE_URL: duckduckgo.url, TASKER_ENFORCE_USES: "true" }, { ...OPENAI_LAYOUT, "websearch-proxy": "websearch-proxy" });
  await tasker.publishExamples("research-brief");
}, 120_000);

afterAll(async () => {
  await tasker?.stop();
  await duckduckgo?.close();
  await openai?.close();
});

interface Brief {
  topic: string;
  sources: { title: string; url: string; snippet: string }[];
  summary: string;
}

describe("the research-brief example, every service its own process, against a fake DuckDuckGo and a fake OpenAI", () => {
  it("searches, then has OpenAI summarise the snippets: two suspensions, each call through its own proxy", async () => {
    const run = await tasker.run("research-brief", { topic: "black holes", maxResults: 3 });
    expect(run.status, JSON.stringify(run.error)).toBe("completed");
    const brief = run.result as Brief;
    expect(brief.topic).toBe("black holes");
    expect(brief.sources).toEqual([1, 2, 3].map((n) => ({ title: fakeSearchTitle("black holes", n), url: fakeSearchTarget("black holes", n), snippet: fakeSearchSnippet("black holes", n) })));
    // The fake echoes the prompt: the summary was written from these snippets, with their numbers.
    expect(brief.summary).toMatch(/^echo: /);
    for (const n of [1, 2, 3]) expect(brief.summary).toContain(`[${n}] ${fakeSearchTitle("black holes", n)}`);

    const events = await tasker.events(`run:${run.taskRunId}`);
    const calls = events.flatMap((event) => (event.type === "stack.created" && event.data.service !== "tasks" ? [event.data.service] : []));
    expect(calls).toEqual(["websearch", "openai"]);
    expect(events.filter((event) => event.type === "vm.suspended")).toHaveLength(2);
    // The summary's token usage is recorded with its call, so a run's cost can be summed.
    const usage = events.flatMap((event) => (event.type === "stack.completed" && event.data.usage ? [event.data.usage] : []));
    expect(usage).toHaveLength(1);
    expect(usage[0]!.totalTokens).toBeGreaterThan(0);
    expect(run.logs.map((line) => line.message)).toEqual(expect.arrayContaining([`found 3 sources for "black holes"`]));
    expect(duckduckgo.requests()).toBe(1);
    expect(openai.requests("/v1/chat/completions")).toBe(1);
  });

  it("answers without OpenAI when the search finds nothing", async () => {
    duckduckgo.inject({ kind: "no-results" }, 1);
    const before = openai.requests();
    const run = await tasker.run("research-brief", { topic: "zzqx nothing" });
    expect(run.status).toBe("completed");
    expect(run.result).toEqual({ topic: "zzqx nothing", sources: [], summary: 'The web search found nothing about "zzqx nothing".' });
    expect(openai.requests()).toBe(before);
  });
});
