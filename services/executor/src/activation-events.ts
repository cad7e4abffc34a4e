import { type ActivationKind, type ErrorInfo, newId, type TaskerEvent } from "@tasker/contracts";
import type { LogLine, Outcome } from "@tasker/sandbox";
import { callDueAt, type Start } from "@tasker/run-model";

/** How an activation got its VM (a new one, the cached one, a replayed one) and its wall time in ms: what a run's tree shows of it. */
export interface ActivationTiming {
  kind: ActivationKind;
  durationMs: number;
}

/** One activation of a stack run, as it is to be recorded. */
export interface ActivationRecord {
  stackRunId: string;
  /** 1 for the start; k for the resume that delivered the k-th batch. */
  activation: number;
  at: number;
  timing: ActivationTiming;
  depth: number;
  worker: string;
  /** Storable and bounded already: the sandbox cuts and cleans log lines. */
  logs: readonly LogLine[];
  outcome: Outcome;
  /** After this activation: every call still waiting for its result. */
  pending: ReadonlySet<number>;
  /** The current version of each task the new `tasks` calls name (absent: no such task). */
  taskVersions: ReadonlyMap<string, string>;
  /**
   * New calls refused at once (see `admitCalls`): recorded as made and failed, so the task receives
   * the error like any other call's and may catch it.
   */
  refused: ReadonlyMap<number, ErrorInfo>;
  /** Helper modules first loaded in this activation, name → version. */
  modules?: Record<string, string>;
  /**
   * A start not claimed before it ran (a nested task: its parent already shows it under way), recorded
   * with its outcome: who took it, the attempt, the lease.
   */
  started?: Start;
}

/**
 * The events that record an activation: started or resumed, its logs, the calls it made (each
 * `stack.created`, a refused one `stack.failed` at once), then its outcome. Pure.
 */
export function activationEvents(record: ActivationRecord): TaskerEvent[] {
  const { stackRunId, activation, at, outcome } = record;
  const { durationMs } = record.timing;
  const events: TaskerEvent[] = [];
  if (record.started) events.push({ type: "stack.started", data: { stackRunId, ...record.started } });
  if (activation > 1) events.push({ type: "vm.resumed", data: { stackRunId, activation, at, ...(record.timing.kind === "start" ? {} : { kind: record.timing.kind }) } });
  for (const line of record.logs) {
    events.push({ type: "log.appended", data: { stackRunId: line.stackRunId, level: line.level, message: line.message, at: new Date(line.at).toISOString() } });
  }
  for (const call of outcome.calls) {
    const taskName = call.service === "tasks" && typeof call.args[0] === "string" ? call.args[0] : undefined;
    const childId = newId();
    const refusal = record.refused.get(call.seq);
    events.push({
      type: "stack.created",
      data: {
        stackRunId: childId,
        parentStackRunId: stackRunId,
        seq: call.seq,
        service: call.service,
        method: call.method,
        args: call.args as never,
        depth: record.depth + 1,
        taskVersion: (taskName && record.taskVersions.get(taskName)) ?? null,
        ...(refusal ? {} : { dueAt: callDueAt(call, at) }),
      },
    });
    if (refusal) events.push({ type: "stack.failed", data: { stackRunId: childId, error: refusal } });
  }
  switch (outcome.kind) {
    case "completed":
      events.push({ type: "stack.completed", data: { stackRunId, result: (outcome.result ?? null) as never, durationMs } });
      break;
    case "failed":
      events.push({ type: "stack.failed", data: { stackRunId, error: outcome.error, durationMs } });
      break;
    case "suspended":
      events.push({
        type: "vm.suspended",
        data: {
          stackRunId,
          activation,
          at,
          waitingOn: [...record.pending].sort((a, b) => a - b),
          worker: record.worker,
          ...(record.modules ? { modules: record.modules } : {}),
          durationMs,
        },
      });
      break;
    default: {
      const never: never = outcome;
      throw new Error(`unknown outcome ${JSON.stringify(never)}`);
    }
  }
  return events;
}
