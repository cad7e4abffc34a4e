import type { NewEvent, RecordedEvent, TaskerEvent } from "@tasker/contracts";
import type { Guard } from "@tasker/event-store";
import { decideResume, evolve, RUN_GUARD, type RunState } from "@tasker/run-model";
import type { Outcome } from "@tasker/sandbox";

/**
 * What an activation that ended its stack run decides for the rest of the run, in the same append:
 * the run's end when it is the root, or its parent's resume when that is due. The stack-processor
 * would decide the same a hop later; deciding here saves the hop. `optional`: dropped (left to the
 * stack-processor) when its guard conflicts, whereas the run's end is the outcome's own consequence.
 */
export interface FollowUp {
  guard: Guard;
  events: TaskerEvent[];
  optional: boolean;
}

export interface FollowUpContext {
  taskRunId: string;
  parentStackRunId: string | null;
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
    return { guard: { guard: RUN_GUARD, version: 0 }, events: [end], optional: false };
  }
  if (!context.state) return undefined;
  // The activation's events as if recorded: the rules read only their type, data and stream.
  const recorded = context.events.map((event) => ({ ...event, metadata: { streamId: context.streamId } }) as RecordedEvent);
  const decision = decideResume(recorded.reduce(evolve, context.state), context.parentStackRunId);
  return decision ? { guard: decision.expected, events: [...decision.events], optional: true } : undefined;
}
