import { handlingOf, runHandling } from "@tasker/bus";
import { type ActivationKind, type DirectStartReply, type DirectStartRequest, type ErrorInfo, type RecordedEvent, type ResumeRequested, RetryLaterError, type StackCreated, storableText, taskRunIdOf, unknownRunError } from "@tasker/contracts";
import { appendDecision, type EventStore } from "@tasker/event-store";
import { ABANDONED_PREFIX, canRecordActivation, type RunStates, settleAbandoned, stackRunHistory, toSandboxResult } from "@tasker/run-model";
import { hasCode, type SandboxPool } from "@tasker/sandbox";
import type { MasterKeys } from "@tasker/secrets";
import { activeTracing } from "@tasker/telemetry";
import type { CallLimits } from "./activation-append.js";
import { inActivationSpan } from "./activation-span.js";
import { claimStart } from "./claims.js";
import { DirectStarter } from "./direct-starts.js";
import { noteActivation } from "./executor-metrics.js";
import { VmSecrets } from "./vm-secrets.js";
import type { LocalWork } from "./local-work.js";
import { type Live, OutcomeRecorder, type Recorded } from "./outcome-recorder.js";
import { shareOf, startShareOf } from "./shares.js";
import { nestedStarter } from "./nested-starts.js";
import { startRefusal } from "./start-admission.js";
import { StartDurations } from "./start-durations.js";
import type { TaskCatalog } from "./task-catalog.js";
import type { VmCache } from "./vm-cache.js";

export interface ActivatorOptions {
  /** This instance: recorded in `vm.suspended`, so resumes come back here. */
  worker: string;
  limits: CallLimits;
  /** How long a resume meant for another instance is left to it before this one replays it. */
  stickyGraceMs: number;
  /** How long a start is claimed for (`stack.started.leaseUntil`): `TASKER_LEASE_MS`. */
  leaseMs: number;
  /** The deployment's subject prefix, named when a message about an unknown run arrives. */
  prefix: string;
  /** The master keys (`TASKER_MASTER_KEY`) that seal secrets in calls and results; undefined when unset. */
  keys: MasterKeys | undefined;
  /** Submissions recorded with their root's first activation at once, at most (`DirectStarter`). */
  maxDirectStarts: number;
}

/** Characters of the reason a call was given up on that its failure repeats. */
const MAX_REASON_CHARS = 2000;

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
  private readonly startDurations = new StartDurations();
  private readonly direct: DirectStarter;

  constructor(
    private readonly store: EventStore,
    private readonly runs: RunStates,
    private readonly sandbox: SandboxPool,
    private readonly catalog: TaskCatalog,
    private readonly cache: VmCache,
    private readonly options: ActivatorOptions,
    private readonly work: LocalWork,
  ) {
    const startNested = nestedStarter(sandbox, catalog, this.startDurations, options);
    this.recorder = new OutcomeRecorder(store, runs, catalog, cache, options, () => this.stats.conflicts++, startNested);
    this.direct = new DirectStarter(store, runs, sandbox, catalog, this.startDurations, { ...options, maxRunning: options.maxDirectStarts }, (created) => {
      this.stats.starts++;
      work.noteHandled(created.metadata.eventId);
    });
  }

  /** A submission the gateway offers (`POST /tasks?wait=`): recorded with its root's first activation when that ends the run at once, else declined (see `DirectStarter`). */
  startSubmitted(request: DirectStartRequest): Promise<DirectStartReply> {
    return this.direct.start(request);
  }

  /** A call of service `tasks` from the bus (`attempt`: its delivery): starts it, unless this instance already did. */
  start(event: RecordedEvent<StackCreated>, attempt: number): Promise<void> {
    return this.work.run(startKey(event.data.stackRunId), event.metadata.eventId, () => this.startNow(event, attempt));
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
    await this.work.run(resumeKey(stackRunId, activation), event.metadata.eventId, () => this.resumeNow(event));
  }

  /**
   * Records the failure of the work `event` carried, when the bus gives up on it (it failed for good,
   * or too many times): the call fails with `error`, which its parent may catch. A call already
   * settled, or a run already ended, is left as it is.
   */
  async abandon(event: RecordedEvent, error: ErrorInfo): Promise<void> {
    if (event.type !== "stack.created" && event.type !== "resume.requested") return;
    // An error Tasker did not raise itself (a driver's, a bug) may say things about the host: the
    // executor's log has it; the task is told only that it happened.
    const reason = error.code === "INTERNAL" ? "an internal error of the executor (its log has the details)" : storableText(error.message).slice(0, MAX_REASON_CHARS);
    const failure = { code: error.code, name: "Error", message: `${ABANDONED_PREFIX}: ${reason}` };
    await appendDecision(this.store, event, settleAbandoned(event, failure), this.options.prefix);
  }

  private async startNow(event: RecordedEvent<StackCreated>, attempt: number): Promise<void> {
    const { stackRunId, args } = event.data;
    const [taskName] = args;
    const refusal = startRefusal(event.data, this.options.limits);
    if (refusal) {
      await appendDecision(this.store, event, settleAbandoned(event, refusal), this.options.prefix);
      return;
    }
    this.runs.absorbSubmission(event);
    const state = await this.runs.latest(event.metadata.streamId, event.metadata.streamVersion);
    if (state.taskRunId === null) throw unknownRunError(event.metadata.streamId, this.options.prefix);
    // A call settled before it started (its caller ended and cancelled it), or whose run ended, is not run.
    if (!canRecordActivation(state, stackRunId, 1)) return;
    const traceparent = state.stackRuns.get(stackRunId)?.traceparent ?? null;
    const traced = { taskRunId: state.taskRunId, stackRunId, taskName: String(taskName), traceparent };
    await inActivationSpan(traced, 1, "start", () => this.runStart(event, attempt, state.namespace, traceparent));
  }

  private async runStart(event: RecordedEvent<StackCreated>, attempt: number, namespace: string, traceparent: string | null): Promise<void> {
    const { stackRunId, parentStackRunId, seq, depth, taskVersion, args } = event.data;
    const [taskName, input] = args;
    const started = { worker: this.options.worker, attempt, leaseUntil: new Date(Date.now() + this.options.leaseMs).toISOString() };
    // A root is claimed while its VM runs (its run reads processing meanwhile, and a start recorded
    // already, or whose run ended, is refused), unless its task starts quickly. A nested task's start,
    // which its parent shows under way, and a quick root's, are recorded with their outcome.
    const claimFirst = parentStackRunId === null && !this.startDurations.isQuick(taskVersion!);
    const claim = claimFirst ? claimStart(this.store, this.runs, event, started, this.options.prefix) : Promise.resolve(true);
    claim.catch(() => undefined);
    // The claim's statement goes out before the VM takes the thread.
    if (claimFirst) await new Promise((resolve) => setImmediate(resolve));
    const { code, uses } = await this.catalog.published(namespace, String(taskName), taskVersion!);
    const share = shareOf(taskRunIdOf(event.metadata.streamId), namespace, String(taskName), taskVersion!);
    const at = Date.now();
    const running = performance.now();
    const { vm, report } = await this.sandbox.start({ stackRunId, namespace, taskName: String(taskName), code, input, at }, share);
    this.startDurations.note(taskVersion!, performance.now() - running, report.runMs, report.outcome.kind !== "suspended" && report.outcome.calls.length === 0);
    const timing = noteActivation("start", running, report.outcome.kind);
    let claimed: boolean;
    try {
      claimed = await claim;
    } catch (error) {
      vm.dispose();
      throw error;
    }
    if (!claimed) {
      vm.dispose(); // recorded already (a copy of the message), or the run ended
      this.stats.conflicts++;
      return;
    }
    this.stats.starts++;
    const caller = { task: String(taskName), uses };
    const live = { vm, share, pending: new Set<number>(), depth, parentStackRunId, seq, secrets: new VmSecrets(this.options.keys), caller, usesSeen: new Set<string>(), traceparent };
    this.dispatchLocally(await this.recorder.record(event, 1, at, live, report, timing, claimFirst ? undefined : started), share.namespace);
  }

  private async resumeNow(event: RecordedEvent<ResumeRequested>): Promise<void> {
    const { stackRunId, activation } = event.data;
    const cached = this.cache.take(stackRunId, activation - 1);
    if (cached) {
      try {
        const traced = { taskRunId: cached.taskRunId, stackRunId, taskName: cached.caller.task, traceparent: cached.traceparent };
        await inActivationSpan(traced, activation, "resume", () => this.deliver(event, { ...cached, pending: new Set(cached.pending) }, "cache", performance.now()));
        this.stats.resumesFromCache++;
        return;
      } catch (error) {
        // Its worker was replaced (another activation overran there) before this resume ran: replay it.
        if (!(hasCode(error) && error.code === "VM_LOST")) throw error;
      }
    }
    const { streamId, streamVersion } = event.metadata;
    // Its trace is read before the replay, whose span covers it; not traced, nothing more is read.
    const traceparent = activeTracing() ? ((await this.runs.latest(streamId, streamVersion)).stackRuns.get(stackRunId)?.traceparent ?? null) : null;
    const traced = { taskRunId: taskRunIdOf(streamId), stackRunId, traceparent };
    await inActivationSpan(traced, activation, "replay", async () => {
      const replayed = await this.replay(event, traceparent);
      if (replayed) await this.deliver(event, replayed.live, "replay", replayed.since);
    });
  }

  /** Runs the resume's activation on `live` (got by `kind`, since `since`: `performance.now()`) and records it. */
  private async deliver(event: RecordedEvent<ResumeRequested>, live: Live, kind: ActivationKind, since: number): Promise<void> {
    const { activation, results } = event.data;
    const at = Date.now();
    for (const result of results) live.pending.delete(result.seq);
    const report = await live.vm.resume({ at, results: live.secrets.open(results.map(toSandboxResult)) }, live.share);
    const timing = noteActivation(kind, since, report.outcome.kind);
    this.dispatchLocally(await this.recorder.record(event, activation, at, live, report, timing), live.share.namespace);
  }

  /**
   * Rebuilds the VM of a stack run from its journal (its spans under `traceparent`), ready for the
   * resume's activation, with when the rebuilding began (`performance.now()`); undefined when moot.
   */
  private async replay(resume: RecordedEvent<ResumeRequested>, traceparent: string | null): Promise<{ live: Live; since: number } | undefined> {
    const { stackRunId, activation } = resume.data;
    const streamId = resume.metadata.streamId;
    const events = await this.store.readStream(streamId);
    if (events.length === 0) throw unknownRunError(streamId, this.options.prefix);
    this.runs.absorb(streamId, events);
    const { namespace } = await this.runs.latest(streamId, events.at(-1)!.metadata.streamVersion);
    const history = stackRunHistory(events, stackRunId);
    if (history.runEnded || history.ended || history.journal.length !== activation - 1 || !history.created) return undefined;
    const secrets = new VmSecrets(this.options.keys);
    secrets.noteCalls(history.journal.flatMap((recorded) => recorded.calls));
    const [taskName, input] = history.created.args;
    const taskVersion = history.created.taskVersion ?? "";
    const { code, uses } = await this.catalog.published(namespace, String(taskName), taskVersion);
    const pinned = await Promise.all([...history.modules].map(async ([name, version]) => [name, { version, code: await this.catalog.code(namespace, name, version) }] as const));
    const share = shareOf(taskRunIdOf(streamId), namespace, String(taskName), taskVersion);
    const since = performance.now();
    const { vm, report } = await this.sandbox.replay(
      {
        stackRunId,
        namespace,
        taskName: String(taskName),
        code,
        input,
        journal: history.journal.map((recorded) => ({ ...recorded, results: secrets.open(recorded.results) })),
        pinned: Object.fromEntries(pinned),
      },
      share,
    );
    this.stats.replays++;
    const { depth, parentStackRunId, seq } = history.created;
    const live = { vm, share, pending: history.pending, depth, parentStackRunId, seq, secrets, caller: { task: String(taskName), uses }, usesSeen: history.usesSeen, traceparent };
    if (report.outcome.kind !== "suspended") {
      // The code did not retrace its journal (non-determinism, a limit): that is this activation's outcome.
      const timing = noteActivation("replay", since, report.outcome.kind);
      this.dispatchLocally(await this.recorder.record(resume, activation, Date.now(), live, report, timing), namespace);
      return undefined;
    }
    return { live, since };
  }

  /**
   * Starts the nested tasks just admitted (not refused or cancelled at once, nor started and ended with
   * the append), and resumes decided for VMs held here, without a trip through the bus; each as the
   * handling of its own stack run (for the logs). Counts the nested starts the append recorded, and
   * notes the calls it settled as handled: their copies from the bus have nothing left to do.
   */
  private dispatchLocally(recorded: Recorded | undefined, namespace: string): void {
    this.stats.starts += recorded?.nestedStarts ?? 0;
    for (const event of recorded?.events ?? []) {
      if (event.type === "stack.created" && event.data.service === "tasks" && event.data.seq !== null) {
        const created = event as RecordedEvent<StackCreated>;
        if (recorded!.settledCalls.has(event.data.stackRunId)) this.work.noteHandled(event.metadata.eventId);
        else this.work.offer(startKey(event.data.stackRunId), event.metadata.eventId, () => runHandling(handlingOf("executor", created), () => this.startNow(created, 1)), startShareOf(created, namespace));
      } else if (event.type === "resume.requested" && event.data.worker === this.options.worker) {
        // A parent waiting here: resuming it is cheap and unblocks its run, so it does not wait its turn.
        const resume = event as RecordedEvent<ResumeRequested>;
        this.work.offer(resumeKey(event.data.stackRunId, event.data.activation), event.metadata.eventId, () => runHandling(handlingOf("executor", resume), () => this.resumeNow(resume)), "urgent");
      }
    }
  }
}

function startKey(stackRunId: string): string {
  return `start:${stackRunId}`;
}

function resumeKey(stackRunId: string, activation: number): string {
  return `resume:${stackRunId}#${activation}`;
}
