// The two workloads every wrapped service's bench runs, through the HTTP API with every service its
// own process and one instance of the service: <X>1, calls one after another (the overhead per call),
// and <X>2, 1000 calls at once from 10 runs and from 100 (calls/s through that instance).
import type { RecordedEvent } from "@tasker/contracts";
import type { TaskerSystem } from "@tasker/testing";
import { addCallSpans, emptyCallSpans } from "./_call-spans.js";
import { percentile, report, round } from "./_stats.js";

const SEQUENTIAL_CALLS = 20;
const SEQUENTIAL_RUNS = 15;

export interface ServiceCallsBench {
  /** The process, as reports name it: `gapi-proxy`. */
  readonly process: string;
  /** The service its calls are addressed to: `gapi`. */
  readonly service: string;
  /** The workloads' letter: `G` prints G1 and G2. */
  readonly letter: string;
  /** The body of a task function making one call, an expression of `input` and `tools`: `tools.gapi.users.get(...)`. */
  readonly call: string;
  /** The input of every run, besides its number of calls `n`. */
  readonly input?: Record<string, unknown>;
  /** The upstream's own round trip, ms, measured without Tasker: reported beside G1 as `<name>_p50_ms`. */
  readonly baseline: { readonly name: string; readonly samples: readonly number[] };
}

/** Runs <X>1 and <X>2 of `bench` on `tasker` (whose service's instance is running), printing one JSON line each. */
export async function benchServiceCalls(tasker: TaskerSystem, bench: ServiceCallsBench): Promise<void> {
  const sequential = `bench-${bench.service}-sequential`;
  const parallel = `bench-${bench.service}-parallel`;
  await tasker.publish(sequential, `module.exports = async (input, { tools }) => { for (let i = 0; i < input.n; i++) await (${bench.call}); return input.n; };`);
  await tasker.publish(parallel, `module.exports = async (input, { tools }) => (await Promise.all(Array.from({ length: input.n }, () => ${bench.call}))).length;`);

  /** Runs `taskName` to its end; the milliseconds from submission to the answer, and the run's events. */
  async function timed(taskName: string, n: number): Promise<{ ms: number; events: RecordedEvent[] }> {
    const start = performance.now();
    const run = await tasker.result(await tasker.submit(taskName, { ...bench.input, n }), 120);
    if (run.status !== "completed") throw new Error(`${taskName} ${run.status}: ${JSON.stringify(run.error)}`);
    return { ms: performance.now() - start, events: await tasker.events(`run:${run.taskRunId}`) };
  }

  await timed(sequential, 5); // warms the consumers, the pools and the service's caches
  const perCall: number[] = [];
  const spans = emptyCallSpans();
  for (let i = 0; i < SEQUENTIAL_RUNS; i++) {
    const { ms, events } = await timed(sequential, SEQUENTIAL_CALLS);
    perCall.push(ms / SEQUENTIAL_CALLS);
    addCallSpans(spans, events, bench.service);
  }
  report({
    service: bench.process,
    workload: `${bench.letter}1`,
    calls: SEQUENTIAL_RUNS * SEQUENTIAL_CALLS,
    run_ms_per_call_p50: round(percentile(perCall, 50)),
    run_ms_per_call_p99: round(percentile(perCall, 99)),
    created_to_completed_p50_ms: round(percentile(spans.createdToCompleted, 50)),
    created_to_completed_p99_ms: round(percentile(spans.createdToCompleted, 99)),
    created_to_started_p50_ms: round(percentile(spans.createdToStarted, 50)),
    started_to_completed_p50_ms: round(percentile(spans.startedToCompleted, 50)),
    started_to_completed_p99_ms: round(percentile(spans.startedToCompleted, 99)),
    [`${bench.baseline.name}_p50_ms`]: round(percentile([...bench.baseline.samples], 50)),
  });

  await timed(parallel, 50);
  // The same 1000 calls, from few runs (contending on their streams) and from many.
  for (const [runs, calls] of [[10, 100], [100, 10]] as const) {
    let best = 0;
    let bestWall = 0;
    for (let attempt = 0; attempt < 2; attempt++) {
      const start = performance.now();
      const done = await Promise.all(Array.from({ length: runs }, () => timed(parallel, calls)));
      bestWall = Math.max(bestWall, (runs * calls) / ((performance.now() - start) / 1000));
      // The proxy's rate: from the first call created to the last settled, by the events' times.
      const spans = emptyCallSpans();
      for (const { events } of done) addCallSpans(spans, events, bench.service);
      best = Math.max(best, (runs * calls) / ((Math.max(...spans.last) - Math.min(...spans.first)) / 1000));
    }
    report({ service: bench.process, workload: `${bench.letter}2`, instances: 1, runs, calls_per_run: calls, calls_per_s: round(best, 1), end_to_end_calls_per_s: round(bestWall, 1) });
  }
}

/** `n` timings (ms) of `once`. */
export async function timings(n: number, once: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await once();
    samples.push(performance.now() - start);
  }
  return samples;
}
