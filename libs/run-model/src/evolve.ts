import { type CallResult, namespaceOf, type RecordedEvent, type TaskerEvent, taskRunIdOf } from "@tasker/contracts";
import { silenceAfter } from "./silence.js";
import { type ChildResult, initialRunState, isOver, type Outcome, type RunState, type StackRunState, type StackRunStatus } from "./run-state.js";

/**
 * The state after `event`. Pure: `state` is never changed, a new state shares what did not change.
 * Folding the same event twice gives the same state as folding it once (delivery is at least once).
 * The run's id comes from the first event's stream; later events (an append being decided) need no
 * metadata.
 */
export function evolve(state: RunState, event: RecordedEvent | TaskerEvent): RunState {
  return foldRun([event], state);
}

/**
 * Folds a stream's events (in version order) onto `from`, the initial state by default. Pure, as
 * `evolve`; the events are applied to one draft copied on write, so folding k events onto the state
 * of a run of n stack runs costs O(n + k), not O(n · k).
 */
export function foldRun(events: readonly (RecordedEvent | TaskerEvent)[], from: RunState = initialRunState()): RunState {
  if (events.length === 0) return from;
  const draft = new Draft(from);
  for (const event of events) draft.apply(event);
  return draft.result();
}

type Created = Extract<TaskerEvent, { type: "stack.created" }>["data"];

/** A stack run being changed by one fold: its own collections, free to change in place. */
type DraftStackRun = { -readonly [K in keyof StackRunState]: StackRunState[K] };

/**
 * A run's state being folded: the stack run map is copied on the first change, each stack run on its
 * first change, and its child results on theirs; the states it was made from stay unchanged.
 */
class Draft {
  private state: { -readonly [K in keyof RunState]: RunState[K] };
  private stackRuns: Map<string, StackRunState> | undefined;
  private readonly owned = new Set<string>();
  private readonly ownedResults = new Set<string>();

  constructor(from: RunState) {
    this.state = { ...from };
  }

  result(): RunState {
    return this.stackRuns ? { ...this.state, stackRuns: this.stackRuns } : this.state;
  }

  apply(event: RecordedEvent | TaskerEvent): void {
    if (this.state.taskRunId === null && "metadata" in event) this.state.taskRunId = taskRunIdOf(event.metadata.streamId);
    this.state.silentThrough = silenceAfter(this.state.silentThrough, event);
    switch (event.type) {
      case "run.submitted":
        // A run's first event names it, recorded or about to be (a new run's events, planned before its stream exists).
        this.state.taskRunId ??= event.data.taskRunId;
        this.state.namespace = namespaceOf(event.data);
        if (this.state.status === "new") this.state.status = "running";
        return;
      case "run.cancel-requested":
        this.state.cancelRequested ??= { reason: event.data.reason };
        return;
      case "run.completed":
        return this.endRun("completed");
      case "run.failed":
        return this.endRun("failed");
      case "run.cancelled":
        if (this.state.ended) return;
        this.endRun("cancelled");
        // A cancel ends every stack run that had not settled: none of them runs or settles any more.
        for (const run of this.read().values()) if (!isOver(run)) this.change(run.stackRunId).status = "cancelled";
        return;
      case "stack.created":
        return this.created(event.data, "metadata" in event ? event.metadata : null);
      case "stack.started": {
        const { attempt, leaseUntil } = event.data;
        return this.whileNotOver(event.data.stackRunId, (run) => {
          run.status = "running";
          run.attempt = Math.max(run.attempt, attempt);
          run.leaseUntil = leaseUntil;
        });
      }
      case "vm.resumed":
        return this.whileNotOver(event.data.stackRunId, (run) => (run.status = "running"));
      case "stack.retrying": {
        const { attempt, error, retryAt } = event.data;
        return this.whileNotOver(event.data.stackRunId, (run) => (run.retry = { attempt, error, retryAt }));
      }
      case "signal.received": {
        const { name, payload } = event.data;
        const queue = this.state.signals.get(name);
        this.state.signals = new Map(this.state.signals).set(name, { payloads: [...(queue?.payloads ?? []), payload], delivered: queue?.delivered ?? 0 });
        return;
      }
      case "vm.suspended": {
        const { activation, worker } = event.data;
        return this.whileNotOver(event.data.stackRunId, (run) => {
          run.status = "suspended";
          run.lastSuspended = { activation, worker };
        });
      }
      case "resume.requested": {
        const { activation, results } = event.data;
        if (!this.read().has(event.data.stackRunId)) return;
        const run = this.change(event.data.stackRunId);
        run.resumeRequestedFor = Math.max(run.resumeRequestedFor, activation);
        // A delivered result is no longer needed: a state holds only what is still to be delivered.
        const childResults = this.ownChildResults(run);
        for (const result of results) childResults.delete(result.seq);
        return;
      }
      case "stack.completed":
        return this.settle(event.data.stackRunId, "completed", { ok: true, value: event.data.result });
      case "stack.failed":
        return this.settle(event.data.stackRunId, "failed", { ok: false, error: event.data.error });
      case "log.appended":
      case "task.published":
        return;
      default: {
        const unexpected: never = event;
        throw new Error(`evolve: unknown event ${(unexpected as { type: string }).type}`);
      }
    }
  }

  private endRun(status: "completed" | "failed" | "cancelled"): void {
    if (this.state.ended) return;
    this.state.status = status;
    this.state.ended = true;
  }

  private created(data: Created, metadata: RecordedEvent["metadata"] | null): void {
    if (this.read().has(data.stackRunId)) return;
    this.write().set(data.stackRunId, {
      stackRunId: data.stackRunId,
      parentStackRunId: data.parentStackRunId,
      seq: data.seq,
      service: data.service,
      method: data.method,
      depth: data.depth,
      status: "pending",
      outcome: null,
      lastSuspended: null,
      resumeRequestedFor: 0,
      childResults: new Map(),
      attempt: 0,
      leaseUntil: null,
      retry: null,
      dueAt: data.dueAt ?? null,
      signalName: data.service === "signals" && typeof data.args[0] === "string" ? data.args[0] : null,
      taskName: data.service === "tasks" && typeof data.args[0] === "string" ? data.args[0] : null,
      createdAt: metadata?.recordedAt ?? null,
      traceparent: metadata?.traceparent ?? null,
    });
    this.owned.add(data.stackRunId);
    this.ownedResults.add(data.stackRunId);
    if (data.parentStackRunId !== null) return;
    // The root's call is recorded with the submission: the run is running from then on.
    this.state.rootStackRunId ??= data.stackRunId;
    if (data.namespace !== undefined) this.state.namespace = data.namespace;
    if (this.state.status === "new") this.state.status = "running";
  }

  private settle(stackRunId: string, status: StackRunStatus, outcome: Outcome): void {
    const settled = this.read().get(stackRunId);
    if (!settled || isOver(settled)) return;
    const run = this.change(stackRunId);
    run.status = status;
    run.outcome = outcome;
    // A wait answered took the oldest signal of its name not yet given (see `decideSignals`).
    if (status === "completed" && run.signalName !== null) {
      const queue = this.state.signals.get(run.signalName);
      if (queue) this.state.signals = new Map(this.state.signals).set(run.signalName, { ...queue, delivered: queue.delivered + 1 });
    }
    if (run.parentStackRunId === null || run.seq === null || !this.read().has(run.parentStackRunId)) return;
    const result: CallResult = outcome.ok
      ? { seq: run.seq, stackRunId, ok: true, value: outcome.value }
      : { seq: run.seq, stackRunId, ok: false, error: outcome.error };
    const size = outcome.ok ? (JSON.stringify(outcome.value)?.length ?? 4) : JSON.stringify(outcome.error).length;
    this.ownChildResults(this.change(run.parentStackRunId)).set(run.seq, { result, size });
  }

  private whileNotOver(stackRunId: string, change: (run: DraftStackRun) => void): void {
    const run = this.read().get(stackRunId);
    if (run && !isOver(run)) change(this.change(stackRunId));
  }

  private read(): ReadonlyMap<string, StackRunState> {
    return this.stackRuns ?? this.state.stackRuns;
  }

  private write(): Map<string, StackRunState> {
    this.stackRuns ??= new Map(this.state.stackRuns);
    return this.stackRuns;
  }

  /** The stack run `stackRunId` (which exists), this draft's own copy from now on (its child results still shared). */
  private change(stackRunId: string): DraftStackRun {
    const run = this.read().get(stackRunId)!;
    if (this.owned.has(stackRunId)) return run;
    const copy: DraftStackRun = { ...run };
    this.write().set(stackRunId, copy);
    this.owned.add(stackRunId);
    return copy;
  }

  /** The child results of `run` (a draft's own stack run), this draft's own copy from now on. */
  private ownChildResults(run: DraftStackRun): Map<number, ChildResult> {
    if (!this.ownedResults.has(run.stackRunId)) {
      run.childResults = new Map(run.childResults);
      this.ownedResults.add(run.stackRunId);
    }
    return run.childResults as Map<number, ChildResult>;
  }
}
