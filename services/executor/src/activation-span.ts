import { stackRunContext, withSpan } from "@tasker/telemetry";

/** How an activation got its VM: a new one (`start`), the cached one (`resume`), or one rebuilt from the journal (`replay`). */
export type ActivationKind = "start" | "resume" | "replay";

/** The stack run an activation belongs to, as its span names it. */
export interface ActivatedStackRun {
  readonly taskRunId: string;
  readonly stackRunId: string;
  /** Undefined before a replay read it from the journal. */
  readonly taskName?: string;
  /** The `traceparent` of its `stack.created` (`StackRunState.traceparent`): null, not traced. */
  readonly traceparent: string | null;
}

/**
 * Runs `work` (an activation: its VM's slice and its record) in span `activation <kind>`, a child of
 * its stack run's span, active meanwhile: the events it appends carry it as their `traceparent`.
 */
export function inActivationSpan<T>(run: ActivatedStackRun, activation: number, kind: ActivationKind, work: () => Promise<T>): Promise<T> {
  const attributes = () => ({
    "tasker.task_run.id": run.taskRunId,
    "tasker.stack_run.id": run.stackRunId,
    ...(run.taskName !== undefined && { "tasker.task.name": run.taskName }),
    "tasker.activation": activation,
    "tasker.activation.kind": kind,
  });
  return withSpan(`activation ${kind}`, () => ({ parent: stackRunContext(run.traceparent, run.stackRunId), attributes: attributes() }), work);
}
