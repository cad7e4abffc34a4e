import { stackRunContext, traceparentOf } from "./trace-context.js";

/** What names a stack run in its span: its service and method, and for a task the task's name. */
export interface NamedStackRun {
  readonly service: string;
  readonly method: readonly string[];
  readonly taskName?: string | null;
}

/** A stack run's span name: `task <name>` for a task, `call <service>.<method>` for any other call (`call sleep`, `call keystore.get`). */
export function stackRunSpanName(run: NamedStackRun): string {
  if (run.service === "tasks") return `task ${run.taskName ?? "(unnamed)"}`;
  return `call ${[run.service, ...run.method].join(".")}`;
}

/**
 * The `traceparent` naming stack run `stackRunId`'s span in the trace of `traceparent` (its
 * `stack.created`'s): what events about it carry when written outside an activation or an attempt
 * (a timer firing). Null when the run is not traced, or this process does not trace.
 */
export function stackRunTraceparent(traceparent: string | null, stackRunId: string): string | null {
  const context = stackRunContext(traceparent, stackRunId);
  return context ? traceparentOf(context) : null;
}
