import { ApiTaskName, causedBy, type NewEvent, type RecordedEvent, type ResumeRequested, type StackCreated, storableText, type TaskerEvent, taskRunIdOf, unknownRunError, ValidationError } from "@tasker/contracts";
import { appendDecision, CountExceededError, type EventStore, isConcurrencyError, StreamNotFoundError } from "@tasker/event-store";
import { type Caller, canRecordActivation, type Decision, decideWakes, markDecided, type RunState, type RunStates } from "@tasker/run-model";
import type { ActivationReport, Outcome, PooledVm, Share } from "@tasker/sandbox";
import type { MasterKeys } from "@tasker/secrets";
import { recordSettledStackRuns, recordStackRunSpan, stackRunSpanName, traceparentOf } from "@tasker/telemetry";
import { type Activation, activationAppend, type ActivationAppend, type CallLimits, withNestedStarts } from "./activation-append.js";
import type { ActivationTiming } from "./activation-events.js";
import { recordedArgs, type VmSecrets } from "./vm-secrets.js";
import type { TaskCatalog } from "./task-catalog.js";
import type { VmCache } from "./vm-cache.js";

/** A VM and what its next activation needs, before the activation runs. */
export interface Live {
  vm: PooledVm;
  /** Whose activations these are, for the sandbox pool's fair queue. */
  share: Share;
  /** Calls waiting for results (those delivered in this activation already removed). */
  pending: Set<number>;
  depth: number;
  parentStackRunId: string | null;
  /** Its number among its parent's calls (null for the root). */
  seq: number | null;
  /** The secrets it was given, which its log lines never show. */
  secrets: VmSecrets;
  /** The task it runs, with its version's `@uses`. */
  caller: Caller;
  /** What its calls needed declaring so far: each undeclared one was warned about once. */
  usesSeen: ReadonlySet<string>;
  /** Its `stack.created`'s `traceparent` (null: its run is not traced). */
  traceparent: string | null;
}

/** Where a stack run sits, for its span: under which parent, at which call, in which trace, running which task. */
export type StackRunPlace = Pick<Live, "parentStackRunId" | "seq" | "traceparent" | "caller">;

export interface RecorderOptions {
  /** This instance: recorded in `vm.suspended`, so resumes come back here. */
  worker: string;
  limits: CallLimits;
  prefix: string;
  /** The master keys that seal a secret a call passes; undefined when `TASKER_MASTER_KEY` is unset. */
  keys: MasterKeys | undefined;
}

/** What an activation's record appended, and the calls it settled at once: refused, cancelled, or started and ended with it (by stack run id). */
export interface Recorded {
  events: RecordedEvent[];
  settledCalls: ReadonlySet<string>;
  /** How many nested tasks it called were started and ended in the same append (see `NestedStarter`). */
  nestedStarts: number;
}

/** A nested task's first activation, run before its parent's activation was recorded, and ended (completed or failed, no calls). */
export interface NestedStart {
  /** Recorded with its start (`started`), its depth and task. */
  activation: Activation;
  vm: PooledVm;
  /** For its span. */
  live: StackRunPlace;
}

/**
 * Runs the first activations of nested tasks an activation just called (their `stack.created`, as
 * they are to be recorded, in run `taskRunId` of `namespace`) before that activation is recorded,
 * those it chooses to (see `Activator`); resolves to those that ended, the others' VMs disposed.
 */
export type NestedStarter = (created: readonly Extract<TaskerEvent, { type: "stack.created" }>[], taskRunId: string, namespace: string) => Promise<NestedStart[]>;

/** Appends of one activation before the executor gives up: a counter's bound, conflicting follow-ups or cancels. */
const MAX_ATTEMPTS = 4;

/** Follow-up decisions this instance took recently, by the guards they move: a sibling need not try again. */
const REMEMBERED_DECISIONS = 10_000;

/**
 * Records an activation's outcome in one append under the stack run's guard at its activation number
 * (so of two instances running the same activation only one records it) while the run is open, with
 * the cancels of the calls a task that ended left pending and the follow-up decisions of the rules (a
 * run's end, a parent's resume); then keeps a suspended VM in the cache, or disposes of it (and of the
 * cached VMs of the calls it cancelled). Whatever about the outcome cannot be stored, and retrying cannot
 * cure, becomes the outcome instead: the stack run fails with `RESULT_NOT_STORABLE`.
 */
export class OutcomeRecorder {
  private readonly takenDecisions = new Set<string>();

  constructor(
    private readonly store: EventStore,
    private readonly runs: RunStates,
    private readonly catalog: TaskCatalog,
    private readonly cache: VmCache,
    private readonly options: RecorderOptions,
    /** Counts the activations another writer recorded first (or whose run ended meanwhile). */
    private readonly onConflict: () => void,
    /** Starts nested tasks an activation called before it is recorded, to record them together; none when absent. */
    private readonly startNested?: NestedStarter,
  ) {}

  /**
   * Records activation `activation` of the stack run `cause` (its stack.created or resume.requested) is
   * about; `timing`: how it got its VM and how long it ran; `started`: a start not claimed before it ran, recorded with it.
   */
  async record(
    cause: RecordedEvent<StackCreated | ResumeRequested>,
    activation: number,
    at: number,
    live: Live,
    report: ActivationReport,
    timing: ActivationTiming,
    started?: Activation["started"],
  ): Promise<Recorded | undefined> {
    const { streamId } = cause.metadata;
    const ran = report.outcome;
    try {
      const { calls } = ran;
      live.secrets.noteCalls(calls);
      // Only names that can be tasks' are looked up (admission refuses the others).
      const taskNames = calls.flatMap((call) => (call.service === "tasks" && typeof call.args[0] === "string" && ApiTaskName.safeParse(call.args[0]).success ? [call.args[0]] : []));
      const state = await this.runs.latest(streamId, cause.metadata.streamVersion);
      if (state.taskRunId === null) throw unknownRunError(streamId, this.options.prefix);
      const taskVersions = taskNames.length > 0 ? await this.catalog.latestVersions(state.namespace, taskNames) : new Map<string, string>();
      const base: Activation = {
        stackRunId: cause.data.stackRunId,
        activation,
        at,
        timing,
        depth: live.depth,
        worker: this.options.worker,
        logs: live.secrets.redact(report.logs),
        outcome: { ...ran, calls: ran.calls.map((call) => ({ ...call, args: recordedArgs(this.options.keys, call) })) },
        waitingBefore: live.pending,
        caller: live.caller,
        usesSeen: live.usesSeen,
        taskVersions,
        modules: report.modules,
        ...(started ? { started } : {}),
      };
      const appended = await this.appendOutcome(cause, base, state);
      if (!appended) {
        live.vm.dispose();
        this.onConflict();
        return undefined;
      }
      const { plan, nested } = appended;
      let { events } = appended;
      // Another writer appended meanwhile: what it recorded may call for a decision with this
      // activation's events (a child's result that arrived while this stack run ran). Of two writers
      // racing so, the later one sees the other's events: it decides, without waiting for the
      // stack-processor's hop.
      if (!this.runs.absorb(streamId, events)) events = [...events, ...(await this.decideAgain(cause, events))];
      const taskRunId = taskRunIdOf(streamId);
      if (plan.outcome.kind !== "suspended") recordTaskSpan(cause.data.stackRunId, live, taskRunId, state.stackRuns.get(cause.data.stackRunId)?.createdAt ?? null, plan.outcome);
      if (plan.outcome.kind === "suspended") {
        this.cache.put({ ...live, pending: plan.pending, usesSeen: plan.usesSeen, taskRunId, stackRunId: cause.data.stackRunId, activation, bytes: live.vm.memoryBytes });
      } else {
        live.vm.dispose();
      }
      for (const settled of plan.settledCalls) this.cache.evict(settled);
      for (const start of nested) {
        const created = events.find((event) => event.type === "stack.created" && event.data.stackRunId === start.activation.stackRunId);
        recordTaskSpan(start.activation.stackRunId, start.live, taskRunId, created?.metadata.recordedAt ?? null, start.activation.outcome as Exclude<Outcome, { kind: "suspended" }>);
        start.vm.dispose();
      }
      return { events, settledCalls: plan.settledCalls, nestedStarts: nested.length };
    } catch (error) {
      live.vm.dispose();
      throw error;
    }
  }

  /**
   * Appends the activation: with its follow-ups, then, when a guard moved on (another writer decided a
   * follow-up first, or recorded an activation of a call the task left pending), alone on the run read
   * again; within what the run has left of `TASKER_MAX_STACK_RUNS`; and with the outcome replaced by a
   * `RESULT_NOT_STORABLE` failure (its calls dropped) when the store refuses it for good. Undefined
   * when the activation itself can no longer be recorded: another writer recorded it, the stack run
   * was settled otherwise (a caller that ended cancelled it), or the run ended.
   */
  private async appendOutcome(
    cause: RecordedEvent,
    base: Activation,
    state: RunState,
  ): Promise<{ plan: ActivationAppend & { outcome: Outcome }; events: RecordedEvent[]; nested: NestedStart[] } | undefined> {
    const stamped = stampedBy(cause, taskRunIdOf(cause.metadata.streamId));
    let activation = base;
    let current = state;
    let withFollowUps = true;
    let stackRunsLeft = Number.POSITIVE_INFINITY;
    const taken = new Set<string>();
    for (let attempt = 1; ; attempt++) {
      const take = withFollowUps ? (decision: Decision) => this.take(cause.metadata.streamId, decision, taken) : () => false;
      // Only the first attempt starts nested tasks: after a conflict their parent is recorded alone.
      const nested = attempt === 1 ? await this.planWithNestedStarts(cause, activation, current, take) : undefined;
      const plan = nested?.plan ?? activationAppend(activation, this.options.limits, current, stackRunsLeft, take);
      const starts = nested?.starts ?? [];
      // Every decision due taken on the run as last read: the stack-processor need not read it again for these events.
      const decidedOn = plan.decidedAll ? this.runs.versionOf(current) : undefined;
      const written = decidedOn === undefined ? stamped(plan.events) : markDecided(stamped(plan.events), decidedOn);
      try {
        const { events } = await this.store.append(cause.metadata.streamId, plan.expected, written);
        return { plan: { ...plan, outcome: activation.outcome }, events, nested: starts };
      } catch (error) {
        for (const start of starts) start.vm.dispose();
        if (attempt >= MAX_ATTEMPTS) throw error;
        if (error instanceof CountExceededError) {
          stackRunsLeft = Math.max(0, error.max - error.value);
        } else if (isConcurrencyError(error)) {
          current = await this.runs.read(cause.metadata.streamId);
          if (!canRecordActivation(current, base.stackRunId, base.activation)) return undefined;
          withFollowUps = false;
        } else if (error instanceof StreamNotFoundError) {
          throw unknownRunError(cause.metadata.streamId, this.options.prefix);
        } else if (starts.length > 0) {
          // What the nested starts recorded may be what the store refused: the activation is tried alone.
        } else if (isUnstorable(error) && activation === base) {
          activation = { ...activation, outcome: notStorable(error) };
        } else {
          throw error;
        }
      }
    }
  }

  /**
   * The append of `activation` (on `state`) with the first activations of the nested tasks it called
   * that `startNested` ran and that ended (`withNestedStarts`; with none, the same append as
   * `activationAppend`'s), and those starts; undefined when no start was tried (no starter, the
   * activation did not suspend, or it called no task).
   */
  private async planWithNestedStarts(
    cause: RecordedEvent,
    activation: Activation,
    state: RunState,
    take: (decision: Decision) => boolean,
  ): Promise<{ plan: ActivationAppend; starts: NestedStart[] } | undefined> {
    const { outcome } = activation;
    if (!this.startNested || outcome.kind !== "suspended" || !outcome.calls.some((call) => call.service === "tasks")) return undefined;
    const alone = activationAppend(activation, this.options.limits, state, Number.POSITIVE_INFINITY, () => false);
    const created = alone.events.filter(
      (event): event is Extract<TaskerEvent, { type: "stack.created" }> => event.type === "stack.created" && event.data.service === "tasks" && !alone.settledCalls.has(event.data.stackRunId),
    );
    const starts = created.length === 0 ? [] : await this.startNested(created, taskRunIdOf(cause.metadata.streamId), state.namespace);
    return { plan: withNestedStarts(alone, starts.map((start) => start.activation), this.options.limits, state, activation.at, take), starts };
  }

  /** The decisions the wakes of `recorded` call for on the run as it is now, appended; their events. */
  private async decideAgain(cause: RecordedEvent, recorded: readonly RecordedEvent[]): Promise<RecordedEvent[]> {
    const { streamId } = cause.metadata;
    const taken: RecordedEvent[] = [];
    const state = await this.runs.read(streamId);
    for (const decision of decideWakes(state, recorded, Date.now())) {
      const appended = await appendDecision(this.store, cause, decision, this.options.prefix);
      if (appended) {
        recordSettledStackRuns(state, appended);
        this.runs.absorb(streamId, appended);
        taken.push(...appended);
      }
    }
    return taken;
  }

  /**
   * Takes a follow-up decision for the appends of one activation (`mine`), unless another activation
   * recorded here took the same one (siblings finishing at once all find their parent's resume due;
   * all but one would conflict, and the stack-processor decides whatever is left a hop later).
   */
  private take(streamId: string, decision: Decision, mine: Set<string>): boolean {
    const moved = decision.expected.flatMap((condition) => ("guard" in condition && !condition.check ? [`${condition.guard}@${condition.version}`] : []));
    const key = `${streamId} ${moved.join(" ")}`;
    if (mine.has(key)) return true;
    if (this.takenDecisions.has(key)) return false;
    if (this.takenDecisions.size >= REMEMBERED_DECISIONS) this.takenDecisions.clear();
    this.takenDecisions.add(key);
    mine.add(key);
    return true;
  }
}

/**
 * Stamps events with what caused them: the event handled, the run (one trace: the activation's span,
 * active now, as their traceparent; else the cause's).
 */
export function stampedBy(cause: RecordedEvent, taskRunId: string): (events: readonly NewEvent[]) => NewEvent[] {
  const here = traceparentOf();
  const metadata = here ? { ...causedBy(cause, taskRunId), traceparent: here } : causedBy(cause, taskRunId);
  return (events) => events.map((event) => ({ ...event, metadata }));
}

/**
 * Records the span of a task's stack run of run `taskRunId` that just ended (`outcome`), from its
 * `stack.created` on (recorded at `createdAt`; null: no span).
 */
export function recordTaskSpan(stackRunId: string, live: StackRunPlace, taskRunId: string, createdAt: string | null, outcome: Exclude<Outcome, { kind: "suspended" }>): void {
  recordStackRunSpan(() => ({
    stackRunId,
    parentStackRunId: live.parentStackRunId,
    traceparent: live.traceparent,
    createdAt,
    name: stackRunSpanName({ service: "tasks", method: ["execute"], taskName: live.caller.task }),
    attributes: {
      "tasker.task_run.id": taskRunId,
      "tasker.stack_run.id": stackRunId,
      "tasker.task.name": live.caller.task,
      "tasker.service": "tasks",
      ...(live.seq !== null && { "tasker.seq": live.seq }),
    },
    outcome: outcome.kind === "completed" ? { ok: true } : { ok: false, code: String(outcome.error.code ?? "ERROR") },
  }));
}

// PostgreSQL's data exceptions (22xxx: a string a `text` column refuses) and program limits (54xxx: nested too deep).
const UNSTORABLE_SQLSTATE = /^(22|54)/;

/** Whether the store refused the events for what they hold, which no retry changes. */
function isUnstorable(error: unknown): boolean {
  if (error instanceof ValidationError || error instanceof RangeError) return true;
  const code = (error as { driverError?: { code?: unknown } }).driverError?.code;
  return typeof code === "string" && UNSTORABLE_SQLSTATE.test(code);
}

function notStorable(error: unknown): Outcome {
  // The message names the field, whose path may hold the very characters that could not be stored.
  const reason = error instanceof ValidationError ? storableText(error.message).slice(0, 1000) : "the database refused a value of it";
  const failure = { code: "RESULT_NOT_STORABLE", name: "TypeError", message: `the activation's outcome could not be recorded: ${reason}` };
  return { kind: "failed", error: failure, calls: [] };
}
