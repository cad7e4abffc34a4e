// W5: many runs suspended at once, each awaiting a signal, on a Tasker of its own (with HEALTH_PORT,
// to read the executor's /metrics): the time to get them all suspended, the executor's memory and warm
// VMs then, and the time to signal them all and have every run completed.
import { parsePrometheusText, peakResidentBytes, residentBytes, sampleSum, TaskerSystem } from "@tasker/testing";
import { forEachBounded } from "./_bounded.js";
import { untilRunsHave } from "./_run-count.js";
import { report, round } from "./_stats.js";

const TASK = "bench-signal-wait";
/** Requests in flight at once while submitting and while signalling. */
const IN_FLIGHT = 200;
const MIB = 1024 * 1024;

/** Runs W5 with `runs` runs (env `BENCH_W5_RUNS` in e2e.ts) on a Tasker with `settings`, and prints its line. */
export async function benchSuspendedRuns(runs: number, settings: Record<string, string>, tracing: string): Promise<void> {
  const tasker = await TaskerSystem.start({ ...settings, HEALTH_PORT: "0" });
  try {
    await tasker.publish(TASK, `module.exports = async (input, { tools }) => ({ i: input.i, got: await tools.signals.wait("go") });`);
    const ids: string[] = new Array<string>(runs);
    const timeoutMs = Math.max(60_000, runs * 100);

    let submitted = 0;
    const submitStart = performance.now();
    const submitProgress = everyFiveSeconds("submitted", runs, () => submitted);
    await forEachBounded(ids, IN_FLIGHT, async (_, i) => {
      ids[i] = await tasker.submit(TASK, { i });
      submitted++;
    }).finally(submitProgress);
    const submitMs = performance.now() - submitStart;
    const suspendMs = await untilRunsHave(tasker, TASK, "suspended", runs, submitStart, timeoutMs);

    const executor = tasker.processes.get("executor")!;
    const rss = await residentBytes(executor.pid);
    const peak = await peakResidentBytes(executor.pid);
    const metrics = parsePrometheusText(await (await fetch(`${executor.healthUrl}/metrics`)).text());

    let signalled = 0;
    const signalStart = performance.now();
    const signalProgress = everyFiveSeconds("signalled", runs, () => signalled);
    await forEachBounded(ids, IN_FLIGHT, async (taskRunId) => {
      const { status, body } = await tasker.request("POST", `/tasks/${taskRunId}/signals/go`, { payload: "go" });
      if (status !== 202) throw new Error(`signalling ${taskRunId}: ${status} ${JSON.stringify(body)}`);
      signalled++;
    }).finally(signalProgress);
    const signalMs = performance.now() - signalStart;
    const completeMs = await untilRunsHave(tasker, TASK, "completed", runs, signalStart, timeoutMs);

    report({
      peer: "tasker",
      tracing,
      workload: "W5",
      runs,
      submit_ms: round(submitMs),
      all_suspended_ms: round(suspendMs),
      executor_rss_mb: round(rss / MIB, 1),
      executor_peak_rss_mb: round(peak / MIB, 1),
      vm_cache_entries: sampleSum(metrics, "tasker_vm_cache_entries"),
      vm_cache_mb: round(sampleSum(metrics, "tasker_vm_cache_bytes") / MIB, 1),
      signal_ms: round(signalMs),
      all_completed_ms: round(completeMs),
      runs_per_s: round(runs / (completeMs / 1000), 1),
    });
  } finally {
    await tasker.stop();
  }
}

/** Prints `done()` of `total` `what` on stderr every 5 s; returns the function that stops it. */
function everyFiveSeconds(what: string, total: number, done: () => number): () => void {
  const start = performance.now();
  const timer = setInterval(() => console.error(`W5: ${done()} of ${total} ${what} after ${Math.round((performance.now() - start) / 1000)} s`), 5_000);
  return () => clearInterval(timer);
}
