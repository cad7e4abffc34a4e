import {
  type ErrorInfo,
  type NewEvent,
  type RecordedEvent,
  type ResumeRequested,
  RetryLaterError,
  ServiceName,
  type StackCreated,
  taskRunIdOf,
} from "@tasker/contracts";
import { type EventStore, isConcurrencyError } from "@tasker/event-store";
import { type RunState, type RunStates, stackGuard } from "@tasker/run-model";
import type { Outcome, Sandbox, TaskVm, ToolCall } from "@tasker/sandbox";
import { activationEvents } from "./activation-events.js";
import { rejectionOf } from "./call-checks.js";
import { type FollowUp, followUpOf } from "./follow-up.js";
import type { LocalWork } from "./local-work.js";
import { LogSink } from "./log-sink.js";
import { taskSource } from "./module-resolver.js";
import { stackRunHistory, toSandboxResult } from "./stack-run-history.js";
import type { TaskCatalog } from "./task-catalog.js";
import type { VmCache } from "./vm-cache.js";

export interface ActivatorOptions {
  /** This instance: recorded in `vm.suspended`, so resumes come back here. */
  worker: string;
  maxDepth: number;
  maxPendingCalls: number;
  /** How long a resume meant for another instance is left to it before this one replays it. */
  stickyGraceMs: number;
}

/** How activations were served, for operators and tests. */
export interface ActivatorStats {
  starts: number;
  resumesFromCache: number;
  replays: number;
  conflicts: number;
}

/** A VM and what its next activation needs, before the activation runs. */
interface Live {
  vm: TaskVm;
  sink: LogSink;
  pending: Set<number>;
  depth: number;
  parentStackRunId: string | null;
  /** Its number among its parent's calls (null for the root). */
  seq: number | null;
}

/** Resumes this instance claimed recently (`<guard>#<version>`): a sibling need not try again. */
const REMEMBERED_RESUMES = 10_000;

/**
 * Runs activations of stack runs of service `tasks`: the start of one, or the resume that delivers a
 * batch of results, on a cached VM or one rebuilt by replay. The outcome is appended under the stack
 * run's guard at its activation number, so of two instances running the same activation only one
 * records it (the other discards its VM).
 */
export class Activator {
  readonly stats: ActivatorStats = { starts: 0, resumesFromCache: 0, replays: 0, conflicts: 0 };
  private readonly claimedResumes = new Set<string>();

  constructor(
    private readonly store: EventStore,
    private readonly runs: RunStates,
    private readonly sandbox: Sandbox,
    private readonly catalog: TaskCatalog,
    private readonly cache: VmCache,
    private readonly options: ActivatorOptions,
    private readonly work: LocalWork,
  ) {}

  /** A call of service `tasks` from the bus: starts it, unless this instance already did. */
  start(event: RecordedEvent<StackCreated>): Promise<void> {
    return this.work.run(startKey(event.data.stackRunId), () => this.startNow(event));
  }

  private async startNow(event: RecordedEvent<StackCreated>): Promise<void> {
    const { stackRunId, parentStackRunId, seq, depth, taskVersion } = event.data;
    const streamId = event.metadata.streamId;
    const [taskName, input] = event.data.args;
    if (typeof taskName !== "string" || taskVersion === null) {
      return this.failBeforeRunning(event, { code: "TASK_NOT_FOUND", name: "Error", message: `no task named ${JSON.stringify(taskName)} is published` });
    }
    if (depth > this.options.maxDepth) {
      const message = `"${taskName}" would run ${depth} deep; the limit is ${this.options.maxDepth} (TASKER_MAX_DEPTH)`;
      return this.failBeforeRunning(event, { code: "MAX_DEPTH_EXCEEDED", name: "Error", message });
    }
    // The run's state is read (while the VM runs) only for a decision about the parent that needs it:
    // not for a root, whose end is guarded, nor when this instance holds the parent's VM. A start
    // recorded before, or a cancelled run, is refused by the stack run's guard either way.
    const reading = parentStackRunId !== null && !this.cache.peek(parentStackRunId) ? this.runs.read(streamId) : undefined;
    const sink = new LogSink();
    const at = Date.now();
    const { vm, outcome } = await this.sandbox.start({
      stackRunId,
      taskName,
      source: taskSource(await this.catalog.code(taskName, taskVersion), (name) => this.catalog.module(name)),
      input,
      at,
      onLog: sink.write,
    });
    const state = await reading;
    if (state && (state.ended || state.stackRuns.get(stackRunId)?.status !== "pending")) {
      vm.dispose(); // recorded before (a redelivery), or moot
      return;
    }
    this.stats.starts++;
    await this.record(event, 1, at, { vm, sink, pending: new Set(), depth, parentStackRunId, seq }, outcome, state);
  }

  /**
   * Delivers a resume's batch. `here`: it came through this instance's own consumer (this instance
   * suspended the VM); otherwise through the consumer every instance shares, where a resume meant for
   * another instance is left to it for `stickyGraceMs` before this one replays it.
   */
  async resume(event: RecordedEvent<ResumeRequested>, here: boolean): Promise<void> {
    const { stackRunId, activation, worker } = event.data;
    if (!here && worker !== this.options.worker) {
      const age = Date.now() - Date.parse(event.metadata.recordedAt);
      if (age < this.options.stickyGraceMs) throw new RetryLaterError(`left to ${worker}, which holds the VM`, this.options.stickyGraceMs - age);
    }
    // Both copies of a resume for this instance's VM run through here: one does it, the other finds it done.
    await this.work.run(resumeKey(stackRunId, activation), () => this.resumeNow(event));
  }

  private async resumeNow(event: RecordedEvent<ResumeRequested>): Promise<void> {
    const { stackRunId, activation, results } = event.data;
    const cached = this.cache.take(stackRunId, activation - 1);
    const live = cached ? { ...cached, pending: new Set(cached.pending) } : await this.replay(event);
    if (!live) return;
    if (cached) this.stats.resumesFromCache++;
    const at = Date.now();
    for (const result of results) live.pending.delete(result.seq);
    const outcome = live.vm.resume({ at, results: results.map(toSandboxResult) });
    await this.record(event, activation, at, live, outcome);
  }

  /** Rebuilds the VM of a stack run from its journal, ready for the resume's activation; undefined when moot. */
  private async replay(resume: RecordedEvent<ResumeRequested>): Promise<Live | undefined> {
    const { stackRunId, activation } = resume.data;
    const streamId = resume.metadata.streamId;
    const history = stackRunHistory(await this.store.readStream(streamId), stackRunId);
    if (history.runEnded || history.ended || history.journal.length !== activation - 1 || !history.created) return undefined;
    const [taskName, input] = history.created.args;
    const sink = new LogSink();
    const { vm, outcome } = await this.sandbox.replay({
      stackRunId,
      taskName: String(taskName),
      source: taskSource(await this.catalog.code(String(taskName), history.created.taskVersion ?? ""), (name) => this.catalog.module(name)),
      input,
      journal: history.journal,
      onLog: sink.write,
    });
    this.stats.replays++;
    const { depth, parentStackRunId, seq } = history.created;
    const live = { vm, sink, pending: history.pending, depth, parentStackRunId, seq };
    if (outcome.kind !== "suspended") {
      // The code did not retrace its journal (non-determinism, a limit): that is this activation's outcome.
      await this.record(resume, activation, Date.now(), live, outcome);
      return undefined;
    }
    return live;
  }

  /** Records activation `activation` of the stack run `cause` (its stack.created or resume.requested) is about. */
  private async record(
    cause: RecordedEvent<StackCreated | ResumeRequested>,
    activation: number,
    at: number,
    live: Live,
    ran: Outcome,
    state?: RunState,
  ): Promise<void> {
    const { streamId } = cause.metadata;
    const { stackRunId } = cause.data;
    const calls = ran.kind === "suspended" ? ran.calls : [];
    const taskNames = calls.filter((call) => call.service === "tasks" && typeof call.args[0] === "string").map((call) => String(call.args[0]));
    const taskVersions = taskNames.length > 0 ? await this.catalog.latestVersions(taskNames) : new Map<string, string>();
    for (const call of calls) live.pending.add(call.seq);
    const outcome = this.overrule(ran, calls, live.pending);
    const rejected = new Map<number, ErrorInfo>();
    for (const call of calls) {
      const rejection = rejectionOf(call, { depth: live.depth, maxDepth: this.options.maxDepth, taskVersions });
      if (rejection) rejected.set(call.seq, rejection);
    }
    const events = activationEvents({
      stackRunId,
      activation,
      at,
      depth: live.depth,
      worker: this.options.worker,
      logs: live.sink.take(),
      outcome,
      pending: live.pending,
      taskVersions,
      rejected,
    });
    const taskRunId = taskRunIdOf(streamId);
    const followUp = this.claim(followUpOf({
        taskRunId,
        stackRunId,
        parentStackRunId: live.parentStackRunId,
        seq: live.seq,
        parentHeldAt: live.parentStackRunId === null ? undefined : this.cache.peek(live.parentStackRunId)?.activation,
        worker: this.options.worker,
        outcome,
        events,
        state,
        streamId,
      }));
    const own = { guard: stackGuard(stackRunId), version: activation - 1 };
    const caused = causedBy(cause, taskRunId);
    let recorded: RecordedEvent[];
    try {
      try {
        ({ events: recorded } = await this.store.append(streamId, followUp ? [own, ...followUp.guards] : own, caused(followUp ? [...events, ...followUp.events] : events)));
      } catch (error) {
        // Someone else resumed the parent first: record the outcome alone, the rest follows its course.
        if (!(isConcurrencyError(error) && followUp?.optional)) throw error;
        ({ events: recorded } = await this.store.append(streamId, own, caused(events)));
      }
    } catch (error) {
      live.vm.dispose();
      if (!isConcurrencyError(error)) {
        if (followUp?.optional) this.claimedResumes.delete(decisionKey(followUp)); // not taken: a sibling may
        throw error;
      }
      this.stats.conflicts++; // another instance recorded this activation first, or the run ended: that stands
      return;
    }
    if (outcome.kind === "suspended") this.cache.put({ ...live, taskRunId, stackRunId, activation, bytes: live.vm.memoryBytes });
    else live.vm.dispose();
    this.dispatchLocally(recorded, rejected);
  }

  /** Starts the nested tasks just called, and resumes a parent held here, without a trip through the bus. */
  private dispatchLocally(recorded: readonly RecordedEvent[], rejected: ReadonlyMap<number, ErrorInfo>): void {
    for (const event of recorded) {
      if (event.type === "stack.created" && event.data.service === "tasks" && event.data.seq !== null && !rejected.has(event.data.seq)) {
        this.work.offer(startKey(event.data.stackRunId), () => this.startNow(event as RecordedEvent<StackCreated>));
      } else if (event.type === "resume.requested" && event.data.worker === this.options.worker) {
        // A parent waiting here: resuming it is cheap and unblocks its run, so it does not wait its turn.
        this.work.offer(resumeKey(event.data.stackRunId, event.data.activation), () => this.resumeNow(event as RecordedEvent<ResumeRequested>), true);
      }
    }
  }

  /**
   * Claims a parent's resume for this activation before appending it, so that siblings finishing at the
   * same moment here do not all try the same decision (all but one would conflict); undefined when a
   * sibling claimed it already.
   */
  private claim(followUp: FollowUp | undefined): FollowUp | undefined {
    if (!followUp?.optional) return followUp;
    const key = decisionKey(followUp);
    if (this.claimedResumes.has(key)) return undefined;
    if (this.claimedResumes.size >= REMEMBERED_RESUMES) this.claimedResumes.clear();
    this.claimedResumes.add(key);
    return followUp;
  }

  /** Failures the executor decides over the task's own outcome: calls it cannot record, too many waiting. */
  private overrule(outcome: Outcome, calls: readonly ToolCall[], pending: ReadonlySet<number>): Outcome {
    const misnamed = calls.find((call) => !ServiceName.safeParse(call.service).success);
    if (misnamed) {
      return failed("INVALID_SERVICE_NAME", `call ${misnamed.seq} names the service ${JSON.stringify(misnamed.service)}: use lower-case letters, digits and '-'`);
    }
    if (outcome.kind === "suspended" && pending.size > this.options.maxPendingCalls) {
      return failed("TOO_MANY_PENDING_CALLS", `${pending.size} calls wait at once; the limit is ${this.options.maxPendingCalls} (TASKER_MAX_PENDING_CALLS)`);
    }
    return outcome;
  }

  private async failBeforeRunning(cause: RecordedEvent<StackCreated>, error: ErrorInfo): Promise<void> {
    const { stackRunId } = cause.data;
    const failed: NewEvent = { type: "stack.failed", data: { stackRunId, error } };
    try {
      await this.store.append(cause.metadata.streamId, { guard: stackGuard(stackRunId), version: 0 }, causedBy(cause, taskRunIdOf(cause.metadata.streamId))([failed]));
    } catch (failure) {
      if (!isConcurrencyError(failure)) throw failure;
    }
  }
}

/** Stamps events with what caused them: the event handled, the run (one trace: its traceparent). */
function causedBy(cause: RecordedEvent, taskRunId: string): (events: readonly NewEvent[]) => NewEvent[] {
  const metadata = { causationId: cause.metadata.eventId, correlationId: taskRunId, traceparent: cause.metadata.traceparent };
  return (events) => events.map((event) => ({ ...event, metadata }));
}

function decisionKey(followUp: FollowUp): string {
  return followUp.guards.map((guard) => `${guard.guard}#${guard.version}`).join(" ");
}

function startKey(stackRunId: string): string {
  return `start:${stackRunId}`;
}

function resumeKey(stackRunId: string, activation: number): string {
  return `resume:${stackRunId}#${activation}`;
}

function failed(code: string, message: string): Outcome {
  return { kind: "failed", error: { code, name: "Error", message } };
}
