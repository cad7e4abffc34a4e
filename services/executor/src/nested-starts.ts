import type { TaskerEvent } from "@tasker/contracts";
import type { SandboxPool } from "@tasker/sandbox";
import type { MasterKeys } from "@tasker/secrets";
import { traceparentOf } from "@tasker/telemetry";
import { inActivationSpan } from "./activation-span.js";
import { noteActivation } from "./executor-metrics.js";
import type { NestedStart, NestedStarter } from "./outcome-recorder.js";
import { shareOf } from "./shares.js";
import type { StartDurations } from "./start-durations.js";
import type { TaskCatalog } from "./task-catalog.js";
import { VmSecrets } from "./vm-secrets.js";

/** Nested tasks of one activation started before it is recorded, at most: the others start after, as usual. */
const MAX_NESTED_STARTS = 32;

export interface NestedStartOptions {
  /** This instance, recorded as the worker of each start. */
  worker: string;
  /** The lease a start records (`TASKER_LEASE_MS`). */
  leaseMs: number;
  keys: MasterKeys | undefined;
}

/**
 * The `NestedStarter` of an executor: of the nested tasks an activation just called, those whose
 * version's last first activation here was quick and ended the task (`StartDurations.endsQuickly`),
 * up to `MAX_NESTED_STARTS`, are started at once, each in its `activation start` span; those that end
 * again (completed or failed, no call made) are recorded with their parent's activation, in one append
 * instead of two, and their parent's resume with them. A start that suspended, made calls, or could not
 * run is dropped (its VM disposed; nothing of it was recorded) and the call starts after the append like
 * any other; its version is not started so again until it ends quickly.
 */
export function nestedStarter(sandbox: SandboxPool, catalog: TaskCatalog, durations: StartDurations, options: NestedStartOptions): NestedStarter {
  return async (created, taskRunId, namespace) => {
    const chosen = created.filter((event) => event.data.taskVersion !== null && durations.endsQuickly(event.data.taskVersion!)).slice(0, MAX_NESTED_STARTS);
    const starts = await Promise.all(chosen.map((event) => startOne(event, taskRunId, namespace).catch(() => undefined)));
    return starts.filter((start) => start !== undefined);
  };

  async function startOne(event: Extract<TaskerEvent, { type: "stack.created" }>, taskRunId: string, namespace: string): Promise<NestedStart | undefined> {
    const { stackRunId, parentStackRunId, seq, depth, args } = event.data;
    const taskVersion = event.data.taskVersion!;
    const [taskName, input] = args;
    const traceparent = traceparentOf() ?? null;
    const { code, uses } = await catalog.published(namespace, String(taskName), taskVersion);
    const at = Date.now();
    const running = performance.now();
    const traced = { taskRunId, stackRunId, taskName: String(taskName), traceparent };
    const share = shareOf(taskRunId, namespace, String(taskName), taskVersion);
    const { vm, report } = await inActivationSpan(traced, 1, "start", () => sandbox.start({ stackRunId, namespace, taskName: String(taskName), code, input, at }, share));
    const { outcome } = report;
    const ended = outcome.kind !== "suspended" && outcome.calls.length === 0;
    durations.note(taskVersion, performance.now() - running, report.runMs, ended);
    const timing = noteActivation("start", running, outcome.kind);
    if (!ended) {
      vm.dispose();
      return undefined;
    }
    const caller = { task: String(taskName), uses };
    return {
      activation: {
        stackRunId,
        activation: 1,
        at,
        timing,
        depth,
        worker: options.worker,
        logs: new VmSecrets(options.keys).redact(report.logs),
        outcome,
        waitingBefore: new Set(),
        caller,
        usesSeen: new Set(),
        taskVersions: new Map(),
        ...(report.modules ? { modules: report.modules } : {}),
        started: { worker: options.worker, attempt: 1, leaseUntil: new Date(Date.now() + options.leaseMs).toISOString() },
      },
      vm,
      live: { parentStackRunId, seq, traceparent, caller },
    };
  }
}
