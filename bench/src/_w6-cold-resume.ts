// W6: the cold resume of a run with 1,000 journaled calls. Each run makes its calls one after another
// (`tools.keystore.list()` of a namespace with no secrets: a call with a recorded result, `[]`, that
// needs no master key and opens nothing sealed on replay; `tools.sleep(0)` measured ~200 ms a call
// here, as the timers service fires due timers on its own tick; a nested task is a whole child run),
// then awaits a signal. The executor keeps one suspended VM (`TASKER_VM_CACHE_SIZE=1`) and the runs go
// one after another: each run's VM stays warm while it journals its calls, and is evicted when the next
// run suspends. So the resume of every run but the last rebuilds its VM from the journal (`replay`) on
// the same executor, the one its `vm.suspended` names (a restarted executor would first leave the resume
// to the old instance for its sticky grace, 2 s).
import { type RunView, TaskerSystem } from "@tasker/testing";
import { percentile, report, round } from "./_stats.js";

const TASK = "bench-journaled-then-signal";
const CALLS = 1000;
const RUNS = 3;

interface TreeNode {
  activations: { n: number; kind: string; durationMs: number }[];
}

/** Runs W6 (3 runs of 1,000 calls, and one more to evict the last) on a Tasker with `settings`, and prints its line. */
export async function benchColdResume(settings: Record<string, string>, tracing: string): Promise<void> {
  const tasker = await TaskerSystem.start({ ...settings, TASKER_VM_CACHE_SIZE: "1" });
  try {
    await tasker.publish(
      TASK,
      `module.exports = async (input, { tools }) => {
         for (let i = 0; i < input.calls; i++) await tools.keystore.list();
         return { calls: input.calls, got: await tools.signals.wait("go") };
       };`,
    );
    const journalStart = performance.now();
    // One more run than measured: the last one's suspension evicts the VM of the one before.
    const ids: string[] = [];
    for (let i = 0; i <= RUNS; i++) {
      ids.push(await tasker.submit(TASK, { calls: CALLS }));
      await untilAllWaitOnTheSignal(tasker, ids.slice(-1), 600_000);
    }
    const journalMs = (performance.now() - journalStart) / (RUNS + 1);

    const replays: number[] = [];
    const endToEnd: number[] = [];
    for (const taskRunId of ids.slice(0, RUNS)) {
      const start = performance.now();
      const { status } = await tasker.request("POST", `/tasks/${taskRunId}/signals/go`, { payload: "go" });
      if (status !== 202) throw new Error(`signalling ${taskRunId}: ${status}`);
      const run = await tasker.result(taskRunId, 60);
      endToEnd.push(performance.now() - start);
      if (run.status !== "completed") throw new Error(`${TASK} ${run.status}: ${JSON.stringify(run.error)}`);
      const { body: root } = await tasker.request<TreeNode>("GET", `/tasks/${taskRunId}/tree`);
      const last = root.activations.at(-1)!;
      if (last.kind !== "replay") throw new Error(`the resume of ${taskRunId} was a ${last.kind}, not a replay`);
      replays.push(last.durationMs);
    }
    report({
      peer: "tasker",
      tracing,
      workload: "W6",
      call: "keystore.list",
      calls: CALLS,
      n: RUNS,
      journal_per_call_ms: round(journalMs / CALLS, 2),
      replay_p50_ms: round(percentile(replays, 50)),
      replay_max_ms: round(Math.max(...replays)),
      signal_to_completed_p50_ms: round(percentile(endToEnd, 50)),
      signal_to_completed_max_ms: round(Math.max(...endToEnd)),
    });
  } finally {
    await tasker.stop();
  }
}

/** Resolves once every run of `ids` is suspended on its `signals.wait` (not on one of its calls); progress on stderr every 5 s. */
async function untilAllWaitOnTheSignal(tasker: TaskerSystem, ids: readonly string[], timeoutMs: number): Promise<void> {
  const start = performance.now();
  let lastProgress = start;
  for (;;) {
    const views = await Promise.all(ids.map(async (taskRunId) => (await tasker.request<RunView>("GET", `/tasks/${taskRunId}`)).body));
    const waiting = views.filter((view) => (view.waitingOn as { service: string }[] | undefined)?.some((call) => call.service === "signals"));
    if (waiting.length === ids.length) return;
    if (performance.now() - start > timeoutMs) throw new Error(`only ${waiting.length} of ${ids.length} runs wait on the signal after ${timeoutMs} ms`);
    if (performance.now() - lastProgress >= 5_000) {
      console.error(`W6: ${waiting.length} of ${ids.length} runs made their ${CALLS} calls after ${Math.round((performance.now() - start) / 1000)} s`);
      lastProgress = performance.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
