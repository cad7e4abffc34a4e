// `npm run bench -- e2e`: workloads through the HTTP API, with the gateway, the executor and the
// stack-processor each in its own process. One JSON line per workload. W1 and W4 submit and wait in
// one request (`POST /tasks?wait=`, `"submit":"wait"` in their lines); W2 and W3 submit, then wait
// with `GET /tasks/:id/result?wait=`; all through the client the peers' Restate driver uses
// (_ingress.ts). Then, each on a Tasker of its own: W5, `BENCH_W5_RUNS` runs (default 10,000)
// suspended at once on a signal (_w5-suspended.ts); W6, the cold resume of a run
// with 1,000 journaled calls (_w6-cold-resume.ts); and the start-up of the executor, the gateway and
// the stack-processor (_startup.ts), one `"workload":"startup"` line each. Long phases print
// progress on stderr.
// `BENCH_TRACING=1`: every process traces, exporting over OTLP/HTTP protobuf to a receiver the
// benchmark starts (which decodes every request); each line says `tracing: on` or `off`.
import { startOtlpReceiver, TaskerSystem } from "@tasker/testing";
import { publishBenchTasks } from "./_bench-tasks.js";
import { Ingress } from "./_ingress.js";
import { percentile, report, round } from "./_stats.js";
import { benchStartup } from "./_startup.js";
import { benchSuspendedRuns } from "./_w5-suspended.js";
import { benchColdResume } from "./_w6-cold-resume.js";

const receiver = process.env.BENCH_TRACING === "1" ? await startOtlpReceiver() : undefined;
const tracingSettings: Record<string, string> = receiver ? { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf" } : {};
const tasker = await TaskerSystem.start(tracingSettings);
const tracing = receiver ? "on" : "off";
const ingress = new Ingress(tasker.url);
try {
  await publishBenchTasks(tasker);

  /** Submits and waits for the end; returns the milliseconds from submission to the answer. */
  async function timed(taskName: string, input: unknown): Promise<number> {
    const start = performance.now();
    await ingress.submitThenWait(taskName, input);
    return performance.now() - start;
  }

  /** Submits and waits for the end in one request (`POST /tasks?wait=60`); returns the milliseconds to the answer. */
  async function timedInOne(taskName: string, input: unknown): Promise<number> {
    const start = performance.now();
    await ingress.submitAndWait(taskName, input);
    return performance.now() - start;
  }

  async function sequentially(count: number, taskName: string, input: unknown, run = timed): Promise<number[]> {
    const samples: number[] = [];
    for (let i = 0; i < count; i++) samples.push(await run(taskName, input));
    return samples;
  }

  await sequentially(20, "bench-echo", { hello: "world" }, timedInOne);
  const w1 = await sequentially(200, "bench-echo", { hello: "world" }, timedInOne);
  report({ peer: "tasker", tracing, workload: "W1", submit: "wait", n: w1.length, p50_ms: round(percentile(w1, 50)), p99_ms: round(percentile(w1, 99)) });

  await sequentially(3, "bench-sequential", { n: 20 });
  const w2 = await sequentially(30, "bench-sequential", { n: 20 });
  const w2p50 = percentile(w2, 50);
  report({ peer: "tasker", tracing, workload: "W2", n: w2.length, p50_ms: round(w2p50), p99_ms: round(percentile(w2, 99)), per_child_p50_ms: round(w2p50 / 20) });

  await sequentially(3, "bench-parallel", { n: 20 });
  const w3 = await sequentially(30, "bench-parallel", { n: 20 });
  report({ peer: "tasker", tracing, workload: "W3", n: w3.length, p50_ms: round(percentile(w3, 50)), p99_ms: round(percentile(w3, 99)) });

  let best = 0;
  for (let round_ = 0; round_ < 3; round_++) {
    const start = performance.now();
    await Promise.all(Array.from({ length: 500 }, (_, i) => timedInOne("bench-echo", { i })));
    best = Math.max(best, 500 / ((performance.now() - start) / 1000));
  }
  report({ peer: "tasker", tracing, workload: "W4", submit: "wait", n: 500, runs_per_s: round(best, 1), ...(receiver && { spans_received: receiver.spans().length }) });
} finally {
  ingress.close();
  await tasker.stop();
}
try {
  await benchSuspendedRuns(Number(process.env.BENCH_W5_RUNS || 10_000), tracingSettings, tracing);
  await benchColdResume(tracingSettings, tracing);
  await benchStartup(tracingSettings, tracing);
} finally {
  await receiver?.close();
}
