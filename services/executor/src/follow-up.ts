import type { CallResult, JsonValue, NewEvent, RecordedEvent, TaskerEvent } from "@tasker/contracts";
import type { Guard } from "@tasker/event-store";
import { decideResume, evolve, RUN_GUARD, resumeGuard, type RunState } from "@tasker/run-model";
import type { Outcome } from "@tasker/sandbox";

/**
 * What an activation that ended its stack run decides for the rest of the run, in the same append:
 * the run's end when it is the root, or its parent's resume when that is due. The stack-processor
 * would decide the same a hop later; deciding here saves the hop. `optional`: dropped (left to the
 * stack-processor) when its guard conflicts, whereas the run's end is the outcome's own consequence.
 */
export interface FollowUp {
  guards: readonly Guard[];
  events: TaskerEvent[];
  optional: boolean;
}

export interface FollowUpContext {
  taskRunId: string;
  stackRunId: string;
  parentStackRunId: string | null;
  /** The call's number in its parent. */
  seq: number | null;
  /** The activation the parent is suspended at, when this instance holds the parent's VM. */
  parentHeldAt: number | undefined;
  worker: string;
  outcome: Outcome;
  /** The activation's own events. */
  events: readonly NewEvent[];
  /** The run's state as read before the activation, when it was read (a start reads it). */
  state: RunState | undefined;
  /** Stands in for the metadata the activation's events will get (the rules read only the stream). */
  streamId: string;
}

export function followUpOf(context: FollowUpContext): FollowUp | undefined {
  const { outcome, taskRunId } = context;
  if (outcome.kind === "suspended") return undefined;
  if (context.parentStackRunId === null) {
    const end: TaskerEvent =
      outcome.kind === "completed"
        ? { type: "run.completed", data: { taskRunId, result: (outcome.result ?? null) as never } }
        : { type: "run.failed", data: { taskRunId, error: outcome.error } };
    return { guards: [{ guard: RUN_GUARD, version: 0 }], events: [end], optional: false };
  }
  if (context.parentHeldAt !== undefined && context.seq !== null) return resumeHeldParent(context, context.parentHeldAt, context.seq);
  if (!context.state) return undefined;
  // The activation's events as if recorded: the rules read only their type, data and stream.
  const recorded = context.events.map((event) => ({ ...event, metadata: { streamId: context.streamId } }) as RecordedEvent);
  const decision = decideResume(recorded.reduce(evolve, context.state), context.parentStackRunId);
  return decision ? { guards: [decision.expected].flat(), events: [...decision.events], optional: true } : undefined;
}

/**
 * The parent's VM is here, suspended at `activation`: resume it with this result, guarded as the rules
 * would guard it. Results of siblings that arrived meanwhile go in a later batch (the stack-processor's).
 */
function resumeHeldParent(context: FollowUpContext, activation: number, seq: number): FollowUp {
  const { outcome, stackRunId } = context;
  const result: CallResult =
    outcome.kind === "completed"
      ? { seq, stackRunId, ok: true, value: (outcome.result ?? null) as JsonValue }
      : { seq, stackRunId, ok: false, error: (outcome as Extract<Outcome, { kind: "failed" }>).error };
  return {
    guards: [{ guard: resumeGuard(context.parentStackRunId!), version: activation - 1 }],
    events: [{ type: "resume.requested", data: { stackRunId: context.parentStackRunId!, activation: activation + 1, results: [result], worker: context.worker } }],
    optional: true,
  };
}
