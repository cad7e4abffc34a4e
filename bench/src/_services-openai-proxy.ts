// openai-proxy against the fake OpenAI (answering at once), every service its own process, one
// openai-proxy instance: the proxy's overhead per call, and calls per second through that instance.
import type { RecordedEvent } from "@tasker/contracts";
import { DEFAULT_LAYOUT, startFakeOpenAi, startOpenAiSystem } from "@tasker/testing";
import { addCallSpans, emptyCallSpans } from "./_call-spans.js";
import { percentile, report, round } from "./_stats.js";

const LAYOUT = { ...DEFAULT_LAYOUT, "openai-proxy": "openai-proxy" };
const SEQUENTIAL_CALLS = 20;
const SEQUENTIAL_RUNS = 15;
const CHAT = `{ model: "gpt-4o-mini", messages: [{ role: "user", content: "how long is a call" }] }`;

/** Prints O1 (sequential chat calls: overhead per call) and O2 (1000 calls at once, from 10 runs and from 100: calls/s) for openai-proxy. */
export async function benchOpenAiProxy(): Promise<void> {
  const openai = await startFakeOpenAi();
  const tasker = await startOpenAiSystem(openai, {}, LAYOUT);
  try {
    await tasker.publish("bench-openai-sequential", `module.exports = async (input, { tools }) => { for (let i = 0; i < input.n; i++) await tools.openai.chat.completions.create(${CHAT}); return input.n; };`);
    await tasker.publish(
      "bench-openai-parallel",
      `module.exports = async (input, { tools }) => (await Promise.all(Array.from({ length: input.n }, () => tools.openai.chat.completions.create(${CHAT})))).length;`,
    );

    /** Runs `taskName` to its end; the milliseconds from submission to the answer, and the run's events. */
    async function timed(taskName: string, n: number): Promise<{ ms: number; events: RecordedEvent[] }> {
      const start = performance.now();
      const run = await tasker.result(await tasker.submit(taskName, { n }), 120);
      if (run.status !== "completed") throw new Error(`${taskName} ${run.status}: ${JSON.stringify(run.error)}`);
      return { ms: performance.now() - start, events: await tasker.events(`run:${run.taskRunId}`) };
    }

    // The fake's own time: a chat completion straight through the network, with the key.
    const rtt: number[] = [];
    for (let i = 0; i < 200; i++) {
      const start = performance.now();
      const response = await fetch(`${openai.baseUrl}/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${openai.apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "how long is a call" }] }),
      });
      await response.text();
      rtt.push(performance.now() - start);
    }

    await timed("bench-openai-sequential", 5); // warms the consumers and the pools
    const perCall: number[] = [];
    const spans = emptyCallSpans();
    for (let i = 0; i < SEQUENTIAL_RUNS; i++) {
      const { ms, events } = await timed("bench-openai-sequential", SEQUENTIAL_CALLS);
      perCall.push(ms / SEQUENTIAL_CALLS);
      addCallSpans(spans, events, "openai");
    }
    report({
      service: "openai-proxy",
      workload: "O1",
      calls: SEQUENTIAL_RUNS * SEQUENTIAL_CALLS,
      run_ms_per_call_p50: round(percentile(perCall, 50)),
      run_ms_per_call_p99: round(percentile(perCall, 99)),
      created_to_completed_p50_ms: round(percentile(spans.createdToCompleted, 50)),
      created_to_completed_p99_ms: round(percentile(spans.createdToCompleted, 99)),
      created_to_started_p50_ms: round(percentile(spans.createdToStarted, 50)),
      started_to_completed_p50_ms: round(percentile(spans.startedToCompleted, 50)),
      started_to_completed_p99_ms: round(percentile(spans.startedToCompleted, 99)),
      fake_openai_rtt_p50_ms: round(percentile(rtt, 50)),
    });

    await timed("bench-openai-parallel", 50);
    // The same 1000 calls, from few runs (contending on their streams) and from many.
    for (const [runs, calls] of [[10, 100], [100, 10]] as const) {
      let best = 0;
      let bestWall = 0;
      for (let round_ = 0; round_ < 2; round_++) {
        const start = performance.now();
        const done = await Promise.all(Array.from({ length: runs }, () => timed("bench-openai-parallel", calls)));
        bestWall = Math.max(bestWall, (runs * calls) / ((performance.now() - start) / 1000));
        // The proxy's rate: from the first call created to the last settled, by the events' times.
        const parallel = emptyCallSpans();
        for (const { events } of done) addCallSpans(parallel, events, "openai");
        best = Math.max(best, (runs * calls) / ((Math.max(...parallel.last) - Math.min(...parallel.first)) / 1000));
      }
      report({ service: "openai-proxy", workload: "O2", instances: 1, runs, calls_per_run: calls, calls_per_s: round(best, 1), end_to_end_calls_per_s: round(bestWall, 1) });
    }
  } finally {
    await tasker.stop();
    await openai.close();
  }
}
