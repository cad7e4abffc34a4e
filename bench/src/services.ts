// `npm run bench -- services`: the services around the run model, through the HTTP API with every
// service in its own process. One JSON line per workload:
// - gapi-proxy: its own overhead per call and calls/s against a fake Google (`_services-gapi-proxy.ts`);
// - openai-proxy: the same against a fake OpenAI (`_services-openai-proxy.ts`);
// - database-proxy: the same on the real PostgreSQL, a select of one row by its key (`_services-database-proxy.ts`);
// - timers: N runs (BENCH_TIMER_RUNS, default 1000) each sleeping 2 s, submitted together; how late
//   each sleep's completion was recorded after its due time (p50/p99/max, ms), and the runs' span.
import { sleepTimings, TaskerSystem } from "@tasker/testing";
import { benchDatabaseProxy } from "./_services-database-proxy.js";
import { benchGapiProxy } from "./_services-gapi-proxy.js";
import { benchOpenAiProxy } from "./_services-openai-proxy.js";
import { percentile, report, round } from "./_stats.js";

await benchGapiProxy();
await benchOpenAiProxy();
await benchDatabaseProxy();

const RUNS = Number(process.env["BENCH_TIMER_RUNS"] ?? 1000);
const SLEEP_MS = 2000;
const SUBMITTERS = 16;

const tasker = await TaskerSystem.start();
try {
  await tasker.publish("bench-nap", `module.exports = async (input, { tools }) => { await tools.sleep(${SLEEP_MS}); return null; };`);
  const start = performance.now();
  const taskRunIds: string[] = [];
  await Promise.all(
    Array.from({ length: SUBMITTERS }, async (_, submitter) => {
      for (let i = submitter; i < RUNS; i += SUBMITTERS) taskRunIds.push(await tasker.submit("bench-nap", { i }));
    }),
  );
  const submittedMs = performance.now() - start;
  for (const taskRunId of taskRunIds) {
    const run = await tasker.result(taskRunId, 120);
    if (run.status !== "completed") throw new Error(`bench-nap ${run.status}: ${JSON.stringify(run.error)}`);
  }
  const lateness = (await sleepTimings(tasker, taskRunIds)).map((timing) => timing.completedAt! - timing.dueAt);
  report({
    peer: "tasker",
    workload: "timers",
    n: RUNS,
    sleep_ms: SLEEP_MS,
    submit_s: round(submittedMs / 1000, 1),
    late_p50_ms: round(percentile(lateness, 50)),
    late_p99_ms: round(percentile(lateness, 99)),
    late_max_ms: round(Math.max(...lateness)),
    early: lateness.filter((ms) => ms < 0).length,
    all_done_s: round((performance.now() - start) / 1000, 1),
  });
} finally {
  await tasker.stop();
}
