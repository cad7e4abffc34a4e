import type { RecordedEvent } from "@tasker/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_LAYOUT, eventually, type FakeOpenAi, fakeReply, startFakeOpenAi, startOpenAiSystem, type TaskerSystem } from "@tasker/testing";

// Short attempts (a lease is the timeout plus as long again, at least 2 s) and a short ack wait, so what the
// killed instance held comes back within the test's time.
const TIMEOUT_MS = 2000;
const OPENAI_DELAY_MS = 400;
const RUNS = 30;
const CALLS_PER_RUN = 10;
const LAYOUT = { ...DEFAULT_LAYOUT, "openai-a": "openai-proxy", "openai-b": "openai-proxy", "openai-c": "openai-proxy" };

/** Five chat calls one after another, then five at once; the answers in call order. */
const TEN_CALLS = `module.exports = async (input, { tools }) => {
  const ask = (k) => tools.openai.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "run " + input.r + " call " + k }] })
    .then((answer) => answer.choices[0].message.content);
  const answers = [];
  for (let k = 0; k < 5; k++) answers.push(await ask(k));
  answers.push(...(await Promise.all([5, 6, 7, 8, 9].map(ask))));
  return answers;
};`;

let openai: FakeOpenAi;
let tasker: TaskerSystem;

beforeAll(async () => {
  openai = await startFakeOpenAi();
  tasker = await startOpenAiSystem(openai, { TASKER_ACK_WAIT_MS: "3000", OPENAI_TIMEOUT_MS: String(TIMEOUT_MS) }, LAYOUT);
  await tasker.publish("ten-openai-calls", TEN_CALLS);
}, 120_000);

afterAll(async () => {
  await tasker?.stop();
  await openai?.close();
});

const isOpenAiWorker = (worker: string) => /openai-proxy-[0-9a-f]+$/.test(worker);

function startsByWorker(events: readonly RecordedEvent[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const event of events) if (event.type === "stack.started" && isOpenAiWorker(event.data.worker)) counts.set(event.data.worker, (counts.get(event.data.worker) ?? 0) + 1);
  return counts;
}

describe("three openai-proxy instances sharing 300 calls from 30 runs, one SIGKILLed mid-way", () => {
  it("completes every run with its own answers; the killed instance's calls are taken over after their lease", async () => {
    openai.inject({ kind: "delay", ms: OPENAI_DELAY_MS }, { path: "/v1/chat/completions" });
    const ids = await Promise.all(Array.from({ length: RUNS }, (_, r) => tasker.submit("ten-openai-calls", { r })));

    await eventually(() => openai.requests() >= 90, "OpenAI received 90 of the 300 calls", 30_000);
    await tasker.kill("openai-a");
    const atKill = startsByWorker(await tasker.events("run:%"));

    const runs = await Promise.all(ids.map((id) => tasker.result(id, 60)));
    runs.forEach((run, r) => {
      expect(run.status).toBe("completed");
      expect(run.result).toEqual(Array.from({ length: CALLS_PER_RUN }, (_, k) => fakeReply(`run ${r} call ${k}`)));
    });

    const events = await tasker.events("run:%");
    const calls = new Map<string, RecordedEvent[]>();
    for (const event of events) {
      if (event.type === "stack.created" && event.data.service === "openai") calls.set(event.data.stackRunId, []);
      const id = (event.data as { stackRunId?: string }).stackRunId;
      if (id !== undefined && event.type !== "stack.created") calls.get(id)?.push(event);
    }
    expect(calls.size).toBe(RUNS * CALLS_PER_RUN);

    // Every instance took calls before the kill; the killed one (its count stopped there) none after it.
    const atEnd = startsByWorker(events);
    expect(atKill.size).toBe(3);
    const stopped = [...atEnd.keys()].filter((worker) => atEnd.get(worker) === atKill.get(worker));
    expect(stopped).toHaveLength(1);
    const killed = stopped[0]!;

    let takenOver = 0;
    for (const [stackRunId, history] of calls) {
      const settlements = history.filter((event) => event.type === "stack.completed" || event.type === "stack.failed");
      expect({ stackRunId, settlements: settlements.map((event) => event.type) }).toEqual({ stackRunId, settlements: ["stack.completed"] });
      expect((settlements[0]!.data as { usage?: unknown }).usage).toMatchObject({ inputTokens: 4, outputTokens: 5, totalTokens: 9 });
      const starts = history.filter((event) => event.type === "stack.started");
      for (const [previous, next] of starts.slice(0, -1).map((start, i) => [start, starts[i + 1]!] as const)) {
        expect(previous.data.worker).toBe(killed);
        expect(next.data.worker).not.toBe(killed);
        expect(Date.parse(next.metadata.recordedAt)).toBeGreaterThanOrEqual(Date.parse(previous.data.leaseUntil));
        takenOver++;
      }
      expect(starts.length).toBeLessThanOrEqual(2);
    }
    expect(takenOver).toBeGreaterThan(0);

    // At least once toward OpenAI: only a call in flight when its instance died may have reached it twice.
    const repeated = openai.requests("/v1/chat/completions") - RUNS * CALLS_PER_RUN;
    expect(repeated).toBeGreaterThanOrEqual(0);
    expect(repeated).toBeLessThanOrEqual(takenOver);
    console.log(JSON.stringify({ starts: Object.fromEntries([...atEnd].map(([worker, count]) => [worker === killed ? `killed ${worker}` : worker, { atKill: atKill.get(worker), atEnd: count }])), takenOver, repeatedOpenAiCalls: repeated }));
  }, 90_000);
});
