import { recordStackRunSpan } from "./stack-run-span.js";
import { activeTracing } from "./tracer.js";
import { type NamedStackRun, stackRunSpanName } from "./stack-run-names.js";

/** What a run's state knows of a stack run that its span needs (`StackRunState` of `@tasker/run-model`). */
export interface KnownStackRun extends NamedStackRun {
  readonly stackRunId: string;
  readonly parentStackRunId: string | null;
  readonly seq: number | null;
  readonly traceparent: string | null;
  readonly createdAt: string | null;
}

/**
 * Records the spans of the stack runs that `events` (just appended by a decision taken on `state`)
 * settle: each `stack.completed` or `stack.failed` of a stack run `state` knows. For the writers of
 * decisions (a timer firing, the stack-processor's rules, a signal answering a wait); an activation
 * and an attempt record their own stack run's span.
 */
export function recordSettledStackRuns(
  state: { readonly taskRunId: string | null; readonly stackRuns: ReadonlyMap<string, KnownStackRun> },
  events: readonly { readonly type: string; readonly data: unknown }[],
): void {
  if (!activeTracing()) return;
  for (const event of events) {
    if (event.type !== "stack.completed" && event.type !== "stack.failed") continue;
    const { stackRunId, error } = event.data as { stackRunId: string; error?: { code?: unknown } };
    const run = state.stackRuns.get(stackRunId);
    if (!run) continue;
    recordStackRunSpan(() => ({
      stackRunId,
      parentStackRunId: run.parentStackRunId,
      traceparent: run.traceparent,
      createdAt: run.createdAt,
      name: stackRunSpanName(run),
      attributes: {
        "tasker.task_run.id": state.taskRunId ?? "",
        "tasker.stack_run.id": stackRunId,
        "tasker.service": run.service,
        "tasker.method": run.method.join("."),
        ...(run.taskName && { "tasker.task.name": run.taskName }),
        ...(run.seq !== null && { "tasker.seq": run.seq }),
      },
      outcome: event.type === "stack.completed" ? { ok: true } : { ok: false, code: String(error?.code ?? "ERROR") },
    }));
  }
}
