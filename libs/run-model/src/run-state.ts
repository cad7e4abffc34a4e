import { type CallResult, type CallUsage, DEFAULT_NAMESPACE, type ErrorInfo, type JsonValue } from "@tasker/contracts";

/**
 * Where a stack run is: created, running an activation, suspended between activations, settled
 * (completed or failed), or cancelled: unsettled when its run was cancelled.
 */
export type StackRunStatus = "pending" | "running" | "suspended" | "completed" | "failed" | "cancelled";

/** How a stack run settled: its value (with the tokens it cost, for a metered service) or its error. */
export type Outcome = { ok: true; value: JsonValue; usage?: CallUsage } | { ok: false; error: ErrorInfo };

/** A settled child's result as its parent will receive it, with its JSON size (to bound a resume's batch). */
export interface ChildResult {
  readonly result: CallResult;
  /** Characters of the result's JSON. */
  readonly size: number;
}

/** One call of the run's tree, as far as the rules need to know it. */
export interface StackRunState {
  readonly stackRunId: string;
  readonly parentStackRunId: string | null;
  /** The call's number among its parent's calls; null for the root. */
  readonly seq: number | null;
  readonly service: string;
  /** The method path of the call (`["execute"]` for a task). */
  readonly method: readonly string[];
  readonly depth: number;
  readonly status: StackRunStatus;
  /** Set once the stack run settled; the first settlement wins. */
  readonly outcome: Outcome | null;
  /** The last `vm.suspended`: its activation and the worker that keeps the VM. */
  readonly lastSuspended: { readonly activation: number; readonly worker: string } | null;
  /** The highest activation a `resume.requested` asked for (0: none yet). */
  readonly resumeRequestedFor: number;
  /** The settled children's results not yet delivered (in a `resume.requested`), by their seq. */
  readonly childResults: ReadonlyMap<number, ChildResult>;
  /** The last `stack.started`'s attempt (0: never taken) and the lease it holds until (ISO-8601). */
  readonly attempt: number;
  readonly leaseUntil: string | null;
  /** The last `stack.retrying`: the attempt that failed, its error, when the next attempt starts. */
  readonly retry: { readonly attempt: number; readonly error: ErrorInfo; readonly retryAt: string } | null;
  /** When the call's durable timer fires (`stack.created`'s `dueAt`), null: no timer. */
  readonly dueAt: string | null;
  /** For a `signals.wait`: the name waited for. */
  readonly signalName: string | null;
  /** For a task (service `tasks`): the name of the task it runs. */
  readonly taskName: string | null;
  /** Its `stack.created`'s `recordedAt` (ISO-8601): where its span starts. Null while being decided. */
  readonly createdAt: string | null;
  /**
   * Its `stack.created`'s `traceparent`: the trace of its span (a root's: the gateway's submission,
   * its parent). Null when its run is not traced, or while being decided.
   */
  readonly traceparent: string | null;
}

/** The signals a run received under one name, in order, and how many of them waits were given. */
export interface SignalQueue {
  readonly payloads: readonly JsonValue[];
  readonly delivered: number;
}

/** Where the run is; `new` until its first event. */
export type RunStatus = "new" | "running" | "completed" | "failed" | "cancelled";

/** A run's state: the fold of its stream's events with `evolve`, starting from `initialRunState()`. */
export interface RunState {
  readonly taskRunId: string | null;
  /**
   * The run's namespace (`run.submitted`'s, repeated by the root's `stack.created`; `default` for a
   * run recorded before namespaces): where its task calls, helper modules and secrets are looked up.
   */
  readonly namespace: string;
  readonly status: RunStatus;
  /** True once `run.completed`, `run.failed` or `run.cancelled` was recorded: no decision is taken any more. */
  readonly ended: boolean;
  /** Set by `run.cancel-requested`. */
  readonly cancelRequested: { readonly reason: string | null } | null;
  readonly rootStackRunId: string | null;
  readonly stackRuns: ReadonlyMap<string, StackRunState>;
  /** `signal.received` by name. */
  readonly signals: ReadonlyMap<string, SignalQueue>;
  /**
   * The stream version through which this state folded every event and no log line; null once it
   * folded a log line, or cannot tell (see `silenceAfter`). A run's end carries it (`loggedNothing`).
   */
  readonly silentThrough: number | null;
}

/** The state of a run before any of its events. */
export function initialRunState(): RunState {
  return { taskRunId: null, namespace: DEFAULT_NAMESPACE, status: "new", ended: false, cancelRequested: null, rootStackRunId: null, stackRuns: new Map(), signals: new Map(), silentThrough: 0 };
}

/** Whether a stack run has settled (completed or failed). */
export function isSettled(stackRun: StackRunState): boolean {
  return stackRun.status === "completed" || stackRun.status === "failed";
}

/** Whether a stack run will never run again: settled, or cancelled with its run. */
export function isOver(stackRun: StackRunState): boolean {
  return isSettled(stackRun) || stackRun.status === "cancelled";
}

/**
 * The activations recorded of a stack run not yet over: the version its guard (`stackGuard`) is at,
 * under which whatever settles it or records its next activation is appended. An activation is
 * recorded with its outcome in one append, so this is the last suspended activation (0 before any).
 */
export function activationsRecorded(stackRun: StackRunState): number {
  return stackRun.lastSuspended?.activation ?? 0;
}

/**
 * The version the guard of an open stack run (`stackGuard`) is at, which whatever settles it expects:
 * for a task, its activations recorded (`activationsRecorded`); for a wrapped-service call, its takes
 * (each `stack.started` moves it); for a call nobody takes (`sleep`, `signals`), 0.
 */
export function stackGuardVersion(stackRun: StackRunState): number {
  return stackRun.service === "tasks" ? activationsRecorded(stackRun) : stackRun.attempt;
}

/**
 * Whether activation `activation` (1 for the start) of `stackRunId` can still be recorded in `state`:
 * the run is open, the stack run is not over (settled, refused or cancelled), and the activations
 * before it are recorded, no more (its guard is where the record expects it).
 */
export function canRecordActivation(state: RunState, stackRunId: string, activation: number): boolean {
  const run = state.stackRuns.get(stackRunId);
  return !state.ended && run !== undefined && !isOver(run) && activationsRecorded(run) === activation - 1;
}
