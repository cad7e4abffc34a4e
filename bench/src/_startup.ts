// Start-up: from spawning `tasker start <service>` (what a user runs, as `TaskerSystem.startService`
// does) until the service takes work. Gateway: until a `POST /tasks` is answered. Executor: a run
// submitted while no executor ran, until it completed. Stack-processor: a run suspended on a signal,
// signalled while no stack-processor ran (the stack-processor answers a wait with a signal that
// arrived while the run was suspended; a nested task's end needs none: the executor decides it),
// until it completed.
import { TaskerSystem } from "@tasker/testing";
import { percentile, report, round } from "./_stats.js";

const REPEATS = 3;

/** Runs the start-up measures (3 of each service) on a Tasker with `settings`, and prints one line per service. */
export async function benchStartup(settings: Record<string, string>, tracing: string): Promise<void> {
  const tasker = await TaskerSystem.start(settings);
  try {
    await tasker.publish("bench-startup-echo", "module.exports = async (input) => input;");
    await tasker.publish("bench-startup-signal", `module.exports = async (input, { tools }) => tools.signals.wait("go");`);
    const measures: Record<string, () => Promise<number>> = {
      gateway: async () => {
        await tasker.kill("gateway", "SIGTERM");
        const start = performance.now();
        await tasker.startService("gateway");
        await tasker.submit("bench-startup-echo", {});
        return performance.now() - start;
      },
      executor: async () => {
        await tasker.kill("executor", "SIGTERM");
        const taskRunId = await tasker.submit("bench-startup-echo", {});
        await untilStatus(tasker, taskRunId, "queued");
        return untilCompletedAfterStart(tasker, "executor", taskRunId);
      },
      "stack-processor": async () => {
        const taskRunId = await tasker.submit("bench-startup-signal", {});
        await untilStatus(tasker, taskRunId, "suspended");
        await tasker.kill("stack-processor", "SIGTERM");
        const { status } = await tasker.request("POST", `/tasks/${taskRunId}/signals/go`, { payload: "go" });
        if (status !== 202) throw new Error(`signalling ${taskRunId}: ${status}`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
        await untilStatus(tasker, taskRunId, "suspended");
        return untilCompletedAfterStart(tasker, "stack-processor", taskRunId);
      },
    };
    for (const [service, measure] of Object.entries(measures)) {
      const samples: number[] = [];
      for (let i = 0; i < REPEATS; i++) samples.push(await measure());
      report({ peer: "tasker", tracing, workload: "startup", service, n: samples.length, p50_ms: round(percentile(samples, 50)), max_ms: round(Math.max(...samples)) });
    }
  } finally {
    await tasker.stop();
  }
}

/** Resolves once run `taskRunId` shows `status`; throws when it shows another after 30 s. */
async function untilStatus(tasker: TaskerSystem, taskRunId: string, status: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { body } = await tasker.request<{ status: string }>("GET", `/tasks/${taskRunId}`);
    if (body.status === status) return;
    if (Date.now() > deadline) throw new Error(`run ${taskRunId} ${body.status}, not ${status}, after 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts `label` again: the milliseconds from the spawn to run `taskRunId` completed. */
async function untilCompletedAfterStart(tasker: TaskerSystem, label: string, taskRunId: string): Promise<number> {
  const start = performance.now();
  await tasker.startService(label);
  const run = await tasker.result(taskRunId, 60);
  if (run.status !== "completed") throw new Error(`run ${taskRunId} ${run.status} after starting the ${label}: ${JSON.stringify(run.error)}`);
  return performance.now() - start;
}
