// gapi-proxy against the fake Google (answering at once), every service its own process, one
// gapi-proxy instance: the proxy's overhead per call, and calls per second through that instance.
import type { RecordedEvent } from "@tasker/contracts";
import { DEFAULT_LAYOUT, startFakeGoogle, startGapiSystem } from "@tasker/testing";
import { addCallSpans, emptyCallSpans } from "./_call-spans.js";
import { percentile, report, round } from "./_stats.js";

const LAYOUT = { ...DEFAULT_LAYOUT, "gapi-proxy": "gapi-proxy" };
const SEQUENTIAL_CALLS = 20;
const SEQUENTIAL_RUNS = 15;
const USER_GET = ["admin", "directory", "users", "get"];

/** Prints G1 (sequential calls: overhead per call) and G2 (1000 calls at once, from 10 runs and from 100: calls/s) for gapi-proxy. */
export async function benchGapiProxy(): Promise<void> {
  const google = await startFakeGoogle();
  const tasker = await startGapiSystem(google, {}, LAYOUT);
  try {
    await tasker.publish(
      "bench-gapi-sequential",
      `module.exports = async (input) => {
         for (let i = 0; i < input.n; i++) await __callHostTool__("gapi", ${JSON.stringify(USER_GET)}, [{ userKey: input.userKey }]);
         return input.n;
       };`,
    );
    await tasker.publish(
      "bench-gapi-parallel",
      `module.exports = async (input) =>
         (await Promise.all(Array.from({ length: input.n }, () => __callHostTool__("gapi", ${JSON.stringify(USER_GET)}, [{ userKey: input.userKey }])))).length;`,
    );
    const input = (n: number) => ({ n, userKey: "grace@alpha.example" });

    /** Runs `taskName` to its end; the milliseconds from submission to the answer, and the run's events. */
    async function timed(taskName: string, n: number): Promise<{ ms: number; events: RecordedEvent[] }> {
      const start = performance.now();
      const run = await tasker.result(await tasker.submit(taskName, input(n)), 120);
      if (run.status !== "completed") throw new Error(`${taskName} ${run.status}: ${JSON.stringify(run.error)}`);
      return { ms: performance.now() - start, events: await tasker.events(`run:${run.taskRunId}`) };
    }

    // The fake's own time: an HTTP round trip to it (refused for want of a token, answered at once).
    const rtt: number[] = [];
    for (let i = 0; i < 200; i++) {
      const start = performance.now();
      await (await fetch(`${google.rootUrl}admin/directory/v1/users/x`)).text();
      rtt.push(performance.now() - start);
    }

    await timed("bench-gapi-sequential", 5); // warms the token, the consumers and the pools
    const perCall: number[] = [];
    const spans = emptyCallSpans();
    for (let i = 0; i < SEQUENTIAL_RUNS; i++) {
      const { ms, events } = await timed("bench-gapi-sequential", SEQUENTIAL_CALLS);
      perCall.push(ms / SEQUENTIAL_CALLS);
      addCallSpans(spans, events, "gapi");
    }
    report({
      service: "gapi-proxy",
      workload: "G1",
      calls: SEQUENTIAL_RUNS * SEQUENTIAL_CALLS,
      run_ms_per_call_p50: round(percentile(perCall, 50)),
      run_ms_per_call_p99: round(percentile(perCall, 99)),
      created_to_completed_p50_ms: round(percentile(spans.createdToCompleted, 50)),
      created_to_completed_p99_ms: round(percentile(spans.createdToCompleted, 99)),
      created_to_started_p50_ms: round(percentile(spans.createdToStarted, 50)),
      started_to_completed_p50_ms: round(percentile(spans.startedToCompleted, 50)),
      started_to_completed_p99_ms: round(percentile(spans.startedToCompleted, 99)),
      fake_google_rtt_p50_ms: round(percentile(rtt, 50)),
    });

    await timed("bench-gapi-parallel", 50);
    // The same 1000 calls, from few runs (contending on their streams) and from many.
    for (const [runs, calls] of [[10, 100], [100, 10]] as const) {
      let best = 0;
      let bestWall = 0;
      for (let round_ = 0; round_ < 2; round_++) {
        const start = performance.now();
        const done = await Promise.all(Array.from({ length: runs }, () => timed("bench-gapi-parallel", calls)));
        bestWall = Math.max(bestWall, (runs * calls) / ((performance.now() - start) / 1000));
        // The proxy's rate: from the first call created to the last settled, by the events' times.
        const spans = emptyCallSpans();
        for (const { events } of done) addCallSpans(spans, events, "gapi");
        best = Math.max(best, (runs * calls) / ((Math.max(...spans.last) - Math.min(...spans.first)) / 1000));
      }
      report({ service: "gapi-proxy", workload: "G2", instances: 1, runs, calls_per_run: calls, calls_per_s: round(best, 1), end_to_end_calls_per_s: round(bestWall, 1) });
    }
  } finally {
    await tasker.stop();
    await google.close();
  }
}
