import { type CallResult, type RecordedEvent, type TaskerEvent, taskRunIdOf } from "@tasker/contracts";
import { initialRunState, isOver, type Outcome, type RunState, type StackRunState, type StackRunStatus } from "./run-state.js";

/**
 * The state after `event`. Pure: `state` is never changed, a new state shares what did not change.
 * Folding the same event twice gives the same state as folding it once (delivery is at least once).
 * The run's id comes from the first event's stream; later events (an append being decided) need no
 * metadata.
 */
export function evolve(state: RunState, event: RecordedEvent | TaskerEvent): RunState {
  const current = state.taskRunId === null && "metadata" in event ? { ...state, taskRunId: taskRunIdOf(event.metadata.streamId) } : state;
  switch (event.type) {
    case "run.submitted":
      return current.status === "new" ? { ...current, status: "running" } : current;
    case "run.cancel-requested":
      return current.cancelRequested ? current : { ...current, cancelRequested: { reason: event.data.reason } };
    case "run.completed":
      return endRun(current, "completed");
    case "run.failed":
      return endRun(current, "failed");
    case "run.cancelled":
      return cancelUnsettled(endRun(current, "cancelled"));
    case "stack.created":
      return created(current, event.data);
    case "stack.started":
    case "vm.resumed":
      return update(current, event.data.stackRunId, (run) => (isOver(run) ? run : { ...run, status: "running" }));
    case "vm.suspended": {
      const { activation, worker } = event.data;
      return update(current, event.data.stackRunId, (run) =>
        isOver(run) ? run : { ...run, status: "suspended", lastSuspended: { activation, worker } },
      );
    }
    case "resume.requested": {
      const { activation, results } = event.data;
      return update(current, event.data.stackRunId, (run) => {
        // A delivered result is no longer needed: a state holds only what is still to be delivered.
        const childResults = new Map(run.childResults);
        for (const result of results) childResults.delete(result.seq);
        return {
          ...run,
          resumeRequestedFor: Math.max(run.resumeRequestedFor, activation),
          childResults,
          delivered: new Set([...run.delivered, ...results.map((result) => result.seq)]),
        };
      });
    }
    case "stack.completed":
      return settle(current, event.data.stackRunId, "completed", { ok: true, value: event.data.result });
    case "stack.failed":
      return settle(current, event.data.stackRunId, "failed", { ok: false, error: event.data.error });
    case "log.appended":
    case "task.published":
      return current;
    default: {
      const unexpected: never = event;
      throw new Error(`evolve: unknown event ${(unexpected as { type: string }).type}`);
    }
  }
}

/** Folds a stream's events from the initial state. */
export function foldRun(events: readonly RecordedEvent[], from: RunState = initialRunState()): RunState {
  return events.reduce(evolve, from);
}

function endRun(state: RunState, status: "completed" | "failed" | "cancelled"): RunState {
  return state.ended ? state : { ...state, status, ended: true };
}

/** A cancel ends every stack run that had not settled: none of them runs or settles any more. */
function cancelUnsettled(state: RunState): RunState {
  const stackRuns = new Map(state.stackRuns);
  for (const run of state.stackRuns.values()) if (!isOver(run)) stackRuns.set(run.stackRunId, { ...run, status: "cancelled" });
  return { ...state, stackRuns };
}

type Created = Extract<TaskerEvent, { type: "stack.created" }>["data"];

function created(state: RunState, data: Created): RunState {
  if (state.stackRuns.has(data.stackRunId)) return state;
  const stackRun: StackRunState = {
    stackRunId: data.stackRunId,
    parentStackRunId: data.parentStackRunId,
    seq: data.seq,
    service: data.service,
    depth: data.depth,
    status: "pending",
    outcome: null,
    lastSuspended: null,
    resumeRequestedFor: 0,
    childResults: new Map(),
    delivered: new Set(),
  };
  const stackRuns = new Map(state.stackRuns).set(data.stackRunId, stackRun);
  if (data.parentStackRunId !== null) return { ...state, stackRuns };
  // The root's call is recorded with the submission: the run is running from then on.
  return { ...state, stackRuns, rootStackRunId: state.rootStackRunId ?? data.stackRunId, status: state.status === "new" ? "running" : state.status };
}

function update(state: RunState, stackRunId: string, change: (run: StackRunState) => StackRunState): RunState {
  const run = state.stackRuns.get(stackRunId);
  if (!run) return state;
  const changed = change(run);
  return changed === run ? state : { ...state, stackRuns: new Map(state.stackRuns).set(stackRunId, changed) };
}

function settle(state: RunState, stackRunId: string, status: StackRunStatus, outcome: Outcome): RunState {
  const run = state.stackRuns.get(stackRunId);
  if (!run || isOver(run)) return state;
  const stackRuns = new Map(state.stackRuns).set(stackRunId, { ...run, status, outcome });
  const parent = run.parentStackRunId === null ? undefined : stackRuns.get(run.parentStackRunId);
  if (parent && run.seq !== null) {
    const result: CallResult = outcome.ok
      ? { seq: run.seq, stackRunId, ok: true, value: outcome.value }
      : { seq: run.seq, stackRunId, ok: false, error: outcome.error };
    const size = outcome.ok ? (JSON.stringify(outcome.value)?.length ?? 4) : JSON.stringify(outcome.error).length;
    stackRuns.set(parent.stackRunId, { ...parent, childResults: new Map(parent.childResults).set(run.seq, { result, size }) });
  }
  return { ...state, stackRuns };
}
