import { Slots } from "@tasker/bus";
import type { DirectStartReply, DirectStartRequest, RecordedEvent, TaskerEvent } from "@tasker/contracts";
import { DIRECT_START_WAIT_MS, RUN_END_EVENT_TYPES, runStreamId } from "@tasker/contracts";
import type { EventStore } from "@tasker/event-store";
import { decidesNothingMore, foldRun, initialRunState, markDecided, type RunStates } from "@tasker/run-model";
import type { Outcome, SandboxPool } from "@tasker/sandbox";
import type { MasterKeys } from "@tasker/secrets";
import { traceparentOf } from "@tasker/telemetry";
import { activationAppend, type CallLimits } from "./activation-append.js";
import { inActivationSpan } from "./activation-span.js";
import { noteActivation } from "./executor-metrics.js";
import { recordTaskSpan } from "./outcome-recorder.js";
import { shareOf } from "./shares.js";
import { startRefusal } from "./start-admission.js";
import type { StartDurations } from "./start-durations.js";
import type { TaskCatalog } from "./task-catalog.js";
import { VmSecrets } from "./vm-secrets.js";

export interface DirectStartOptions {
  /** This instance, recorded as the worker of each start. */
  worker: string;
  limits: CallLimits;
  /** The lease a start records (`TASKER_LEASE_MS`). */
  leaseMs: number;
  keys: MasterKeys | undefined;
  /** Direct starts running at once, at most; beyond, a submission waits for one (see `DirectStarter`). */
  maxRunning: number;
}

/** Submissions waiting for a direct start, at most, per direct start that may run. */
const WAITING_PER_RUNNING = 32;
/** Of the gateway's wait, the share a submission may spend waiting here for a direct start: the rest is for running it. */
const QUEUED_SHARE_OF_WAIT = 0.5;

/**
 * Records a submitted run together with its root's first activation, when that ends it: one append,
 * which creates the run's stream, where there were two (the gateway's submission, then the start and
 * outcome) and a trip through the bus between them. A root is run so when the first activation of its
 * task version, the last time it ran here, took less than 20 ms on its sandbox thread and ended the
 * task with no call (`StartDurations.endsQuickly`), and the start is admitted as on the bus
 * (`startRefusal`). Its events, the run's end among them, are decided by the same rules as any
 * activation's (`activationAppend`), on the run as its submission leaves it.
 *
 * At most `maxRunning` run at once; the others wait for one, each namespace taking its turn (`Slots`):
 * under a burst, a submission recorded whole in one append still costs far less than one recorded,
 * carried by the bus and started. Anything else is declined with nothing recorded: the task is not
 * known to end quickly here, the run has a timeout (`timeoutMs`: the timers enforce it, once the
 * stream exists), the root suspended or made calls (its VM is disposed: a task's code has no effect
 * outside its VM but through its calls, and none was made), `WAITING_PER_RUNNING` × `maxRunning`
 * submissions wait already, none was free within half of the gateway's wait (`waitMs`), or the append failed. Another writer
 * creating the stream first (the gateway, after waiting too long for this answer) makes the append
 * fail as a whole; the run then goes as any other.
 */
export class DirectStarter {
  private readonly slots: Slots;
  private waiting = 0;

  constructor(
    private readonly store: EventStore,
    private readonly runs: RunStates,
    private readonly sandbox: SandboxPool,
    private readonly catalog: TaskCatalog,
    private readonly durations: StartDurations,
    private readonly options: DirectStartOptions,
    /** Told of each start recorded, by its root's `stack.created` as recorded. */
    private readonly onStarted: (created: RecordedEvent) => void,
  ) {
    this.slots = new Slots(options.maxRunning);
  }

  /** Runs `request`'s root and records the run whole, or declines (see the class). */
  async start(request: DirectStartRequest): Promise<DirectStartReply> {
    const [submitted, created] = request.events;
    const { taskVersion } = created.data;
    if (taskVersion === null || !this.durations.endsQuickly(taskVersion)) return { declined: "its task is not known here to end quickly" };
    // Its timeout is the timers' to enforce, on a stream that exists: a root run here would outlast it unseen.
    if (created.data.dueAt !== undefined) return { declined: "its run has a timeout" };
    if (startRefusal(created.data, this.options.limits)) return { declined: "its start is refused" };
    if (this.waiting >= WAITING_PER_RUNNING * this.options.maxRunning) return { declined: "too many direct starts wait here" };
    const latestStart = performance.now() + (request.waitMs ?? DIRECT_START_WAIT_MS) * QUEUED_SHARE_OF_WAIT;
    this.waiting++;
    return this.slots.run(async () => {
      this.waiting--;
      if (performance.now() > latestStart) return { declined: "no direct start was free here in time" };
      const { taskRunId } = submitted.data;
      const traced = { taskRunId, stackRunId: created.data.stackRunId, taskName: submitted.data.taskName, traceparent: created.metadata?.traceparent ?? null };
      return inActivationSpan(traced, 1, "start", () => this.run(request));
    }, submitted.data.namespace ?? "default");
  }

  private async run(request: DirectStartRequest): Promise<DirectStartReply> {
    const [submitted, created] = request.events;
    const { taskRunId, namespace = "default", taskName, taskVersion } = submitted.data;
    const { stackRunId, depth, args } = created.data;
    const { code, uses } = await this.catalog.published(namespace, taskName, taskVersion);
    const share = shareOf(taskRunId, namespace, taskName, taskVersion);
    const at = Date.now();
    const running = performance.now();
    const { vm, report } = await this.sandbox.start({ stackRunId, namespace, taskName, code, input: args[1], at }, share);
    try {
      const { outcome } = report;
      const ended = outcome.kind !== "suspended" && outcome.calls.length === 0;
      this.durations.note(taskVersion, performance.now() - running, report.runMs, ended);
      const timing = noteActivation("start", running, outcome.kind);
      if (!ended) return { declined: "its root did not end at once" };
      const caller = { task: taskName, uses };
      const activation = {
        stackRunId,
        activation: 1,
        at,
        timing,
        depth,
        worker: this.options.worker,
        logs: new VmSecrets(this.options.keys).redact(report.logs),
        outcome,
        waitingBefore: new Set<number>(),
        caller,
        usesSeen: new Set<string>(),
        taskVersions: new Map<string, string>(),
        ...(report.modules ? { modules: report.modules } : {}),
        started: { worker: this.options.worker, attempt: 1, leaseUntil: new Date(Date.now() + this.options.leaseMs).toISOString() },
      };
      // The rules read the events as planned, before the stream exists: without metadata.
      const submission: TaskerEvent[] = request.events.map(({ type, data }) => ({ type, data }) as TaskerEvent);
      const plan = activationAppend(activation, this.options.limits, foldRun(submission, initialRunState()));
      const metadata = { correlationId: taskRunId, causationId: null, traceparent: traceparentOf() ?? created.metadata?.traceparent ?? null };
      const events = [...request.events, ...plan.events.map((event) => ({ ...event, metadata }))];
      const written = decidesNothingMore(initialRunState(), [...submission, ...plan.events], at) ? markDecided(events, 0) : events;
      const streamId = runStreamId(taskRunId);
      let recorded: RecordedEvent[];
      try {
        ({ events: recorded } = await this.store.append(streamId, { newStream: plan.expected }, written));
      } catch (error) {
        return { declined: `its append failed: ${error instanceof Error ? error.message : String(error)}` };
      }
      this.runs.absorb(streamId, recorded);
      this.onStarted(recorded[1]!);
      recordTaskSpan(stackRunId, { parentStackRunId: null, seq: null, traceparent: created.metadata?.traceparent ?? null, caller }, taskRunId, recorded[1]!.metadata.recordedAt, outcome as Exclude<Outcome, { kind: "suspended" }>);
      return { recorded: recorded.filter((event) => event.type === "run.submitted" || RUN_END_EVENT_TYPES.includes(event.type)) };
    } finally {
      vm.dispose();
    }
  }
}
