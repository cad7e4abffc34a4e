import { causedBy, type ErrorInfo, type NewEvent, type RecordedEvent, type ResumeRequested, ServiceName, type StackCreated, taskRunIdOf } from "@tasker/contracts";
import { type EventStore, isConcurrencyError } from "@tasker/event-store";
import { type RunState, stackGuard } from "@tasker/run-model";
import type { Outcome, TaskVm, ToolCall } from "@tasker/sandbox";
import { activationEvents } from "./activation-events.js";
import { rejectionOf } from "./call-checks.js";
import { type FollowUp, followUpOf } from "./follow-up.js";
import type { LogSink } from "./log-sink.js";
import type { ModuleUse } from "./module-use.js";
import type { TaskCatalog } from "./task-catalog.js";
import type { VmCache } from "./vm-cache.js";

/** A VM and what its next activation needs, before the activation runs. */
export interface Live {
  vm: TaskVm;
  sink: LogSink;
  pending: Set<number>;
  depth: number;
  parentStackRunId: string | null;
  /** Its number among its parent's calls (null for the root). */
  seq: number | null;
  /** The helper modules it loads, and at which versions. */
  modules: ModuleUse;
}

export interface RecorderOptions {
  /** This instance: recorded in `vm.suspended`, so resumes come back here. */
  worker: string;
  maxDepth: number;
  maxPendingCalls: number;
}

/** What an activation's record appended, and which of its new calls failed at once. */
export interface Recorded {
  events: RecordedEvent[];
  rejected: ReadonlyMap<number, ErrorInfo>;
}

/** Resumes this instance claimed recently (`<guard>#<version>`): a sibling need not try again. */
const REMEMBERED_RESUMES = 10_000;

/**
 * Records an activation's outcome in one append under the stack run's guard at its activation number
 * (so of two instances running the same activation only one records it), with what the outcome
 * decides for the rest of the run; then keeps a suspended VM in the cache, or disposes of it.
 */
export class OutcomeRecorder {
  private readonly claimedResumes = new Set<string>();

  constructor(
    private readonly store: EventStore,
    private readonly catalog: TaskCatalog,
    private readonly cache: VmCache,
    private readonly options: RecorderOptions,
    /** Counts the activations another writer recorded first. */
    private readonly onConflict: () => void,
  ) {}

  /** Records activation `activation` of the stack run `cause` (its stack.created or resume.requested) is about. */
  async record(
    cause: RecordedEvent<StackCreated | ResumeRequested>,
    activation: number,
    at: number,
    live: Live,
    ran: Outcome,
    state?: RunState,
  ): Promise<Recorded | undefined> {
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
      modules: live.modules.takeFresh(),
    });
    const taskRunId = taskRunIdOf(streamId);
    const followUp = this.claim(
      followUpOf({
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
      }),
    );
    const own = { guard: stackGuard(stackRunId), version: activation - 1 };
    const caused = stampedBy(cause, taskRunId);
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
      this.onConflict(); // another instance recorded this activation first, or the run ended: that stands
      return undefined;
    }
    if (outcome.kind === "suspended") this.cache.put({ ...live, taskRunId, stackRunId, activation, bytes: live.vm.memoryBytes });
    else live.vm.dispose();
    return { events: recorded, rejected };
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

}

/** Stamps events with what caused them: the event handled, the run (one trace: its traceparent). */
export function stampedBy(cause: RecordedEvent, taskRunId: string): (events: readonly NewEvent[]) => NewEvent[] {
  const metadata = causedBy(cause, taskRunId);
  return (events) => events.map((event) => ({ ...event, metadata }));
}

function decisionKey(followUp: FollowUp): string {
  return followUp.guards.map((guard) => `${guard.guard}#${guard.version}`).join(" ");
}

function failed(code: string, message: string): Outcome {
  return { kind: "failed", error: { code, name: "Error", message } };
}
