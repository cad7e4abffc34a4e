import { type ErrorInfo, type NewEvent, type RecordedEvent, type ResumeRequested, RetryLaterError, type StackCreated, taskRunIdOf } from "@tasker/contracts";
import { type EventStore, isConcurrencyError } from "@tasker/event-store";
import { type RunStates, stackGuard } from "@tasker/run-model";
import type { Sandbox } from "@tasker/sandbox";
import type { LocalWork } from "./local-work.js";
import { LogSink } from "./log-sink.js";
import { taskSource } from "./module-resolver.js";
import { ModuleUse } from "./module-use.js";
import { type Live, OutcomeRecorder, type Recorded, type RecorderOptions, stampedBy } from "./outcome-recorder.js";
import { stackRunHistory, toSandboxResult } from "./stack-run-history.js";
import type { TaskCatalog } from "./task-catalog.js";
import type { VmCache } from "./vm-cache.js";

export interface ActivatorOptions extends RecorderOptions {
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

/**
 * Runs activations of stack runs of service `tasks`: the start of one, or the resume that delivers a
 * batch of results, on a cached VM or one rebuilt by replay. The outcome is appended under the stack
 * run's guard at its activation number, so of two instances running the same activation only one
 * records it (the other discards its VM).
 */
export class Activator {
  readonly stats: ActivatorStats = { starts: 0, resumesFromCache: 0, replays: 0, conflicts: 0 };
  private readonly recorder: OutcomeRecorder;

  constructor(
    private readonly store: EventStore,
    private readonly runs: RunStates,
    private readonly sandbox: Sandbox,
    private readonly catalog: TaskCatalog,
    private readonly cache: VmCache,
    private readonly options: ActivatorOptions,
    private readonly work: LocalWork,
  ) {
    this.recorder = new OutcomeRecorder(store, catalog, cache, options, () => this.stats.conflicts++);
  }

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
    const modules = new ModuleUse((name) => this.catalog.module(name));
    const at = Date.now();
    const { vm, outcome } = await this.sandbox.start({
      stackRunId,
      taskName,
      source: taskSource(await this.catalog.code(taskName, taskVersion), modules.lookup),
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
    this.dispatchLocally(await this.recorder.record(event, 1, at, { vm, sink, pending: new Set(), depth, parentStackRunId, seq, modules }, outcome, state));
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
    this.dispatchLocally(await this.recorder.record(event, activation, at, live, outcome));
  }

  /** Rebuilds the VM of a stack run from its journal, ready for the resume's activation; undefined when moot. */
  private async replay(resume: RecordedEvent<ResumeRequested>): Promise<Live | undefined> {
    const { stackRunId, activation } = resume.data;
    const streamId = resume.metadata.streamId;
    const history = stackRunHistory(await this.store.readStream(streamId), stackRunId);
    if (history.runEnded || history.ended || history.journal.length !== activation - 1 || !history.created) return undefined;
    const [taskName, input] = history.created.args;
    const sink = new LogSink();
    const pinned = await Promise.all(
      [...history.modules].map(async ([name, version]) => [name, { version, code: await this.catalog.code(name, version) }] as const),
    );
    const modules = new ModuleUse((name) => this.catalog.module(name), new Map(pinned));
    const { vm, outcome } = await this.sandbox.replay({
      stackRunId,
      taskName: String(taskName),
      source: taskSource(await this.catalog.code(String(taskName), history.created.taskVersion ?? ""), modules.lookup),
      input,
      journal: history.journal,
      onLog: sink.write,
    });
    this.stats.replays++;
    const { depth, parentStackRunId, seq } = history.created;
    const live = { vm, sink, pending: history.pending, depth, parentStackRunId, seq, modules };
    if (outcome.kind !== "suspended") {
      // The code did not retrace its journal (non-determinism, a limit): that is this activation's outcome.
      this.dispatchLocally(await this.recorder.record(resume, activation, Date.now(), live, outcome));
      return undefined;
    }
    return live;
  }

  /** Starts the nested tasks just called, and resumes a parent held here, without a trip through the bus. */
  private dispatchLocally(recorded: Recorded | undefined): void {
    for (const event of recorded?.events ?? []) {
      if (event.type === "stack.created" && event.data.service === "tasks" && event.data.seq !== null && !recorded!.rejected.has(event.data.seq)) {
        this.work.offer(startKey(event.data.stackRunId), () => this.startNow(event as RecordedEvent<StackCreated>));
      } else if (event.type === "resume.requested" && event.data.worker === this.options.worker) {
        // A parent waiting here: resuming it is cheap and unblocks its run, so it does not wait its turn.
        this.work.offer(resumeKey(event.data.stackRunId, event.data.activation), () => this.resumeNow(event as RecordedEvent<ResumeRequested>), true);
      }
    }
  }

  private async failBeforeRunning(cause: RecordedEvent<StackCreated>, error: ErrorInfo): Promise<void> {
    const { stackRunId } = cause.data;
    const failed: NewEvent = { type: "stack.failed", data: { stackRunId, error } };
    try {
      await this.store.append(cause.metadata.streamId, { guard: stackGuard(stackRunId), version: 0 }, stampedBy(cause, taskRunIdOf(cause.metadata.streamId))([failed]));
    } catch (failure) {
      if (!isConcurrencyError(failure)) throw failure;
    }
  }
}

function startKey(stackRunId: string): string {
  return `start:${stackRunId}`;
}

function resumeKey(stackRunId: string, activation: number): string {
  return `resume:${stackRunId}#${activation}`;
}

