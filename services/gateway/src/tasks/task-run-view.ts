import { type ErrorInfo, type JsonValue, type TaskRunLogLine, type TaskRunStatus, type TaskRunView, toErrorView, type WaitingOnCall } from "@tasker/contracts";

/** The data of the event that ended a run (`run.completed`, `run.failed` or `run.cancelled`), as written. */
export type EndedData = { result?: JsonValue; error?: ErrorInfo; reason?: string | null };

/** What `GET /tasks/:id` shows of a run, however it was learnt: from the read models, or from its submission and its end. */
export interface TaskRunViewParts {
  readonly taskRunId: string;
  readonly taskName: string;
  readonly status: TaskRunStatus;
  /** As its `run.submitted` recorded it. */
  readonly input: JsonValue;
  /** Null while it has not ended. */
  readonly ended: EndedData | null;
  /** Its last log lines (at most `MAX_VIEW_LOG_LINES`), in order. */
  readonly logs: readonly TaskRunLogLine[];
  /** How many lines it logged in all. */
  readonly logCount: number;
  readonly waitingOn: WaitingOnCall[] | null;
  /** ISO-8601, in milliseconds (`Date.toISOString`). */
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** How the run failed, or undefined when it did not. */
function errorOf(status: TaskRunStatus, ended: EndedData | null): ErrorInfo | undefined {
  if (status === "cancelled") return { code: "CANCELLED", message: ended?.reason ?? "cancelled" };
  return status === "failed" ? ended?.error : undefined;
}

/** The `TaskRunView` of a run: the one place its shape (and the order of its fields, as JSON renders them) is made. */
export function taskRunView(run: TaskRunViewParts): TaskRunView {
  const omitted = run.logCount - run.logs.length;
  const error = errorOf(run.status, run.ended);
  return {
    taskRunId: run.taskRunId,
    taskName: run.taskName,
    status: run.status,
    input: run.input,
    ...(run.status === "completed" ? { result: run.ended?.result ?? null } : {}),
    ...(error ? { error: toErrorView(error, error.name ?? (run.status === "cancelled" ? "CancelledError" : "Error")) } : {}),
    logs: [...run.logs],
    ...(omitted > 0 ? { logsOmitted: omitted } : {}),
    ...(run.status === "suspended" && run.waitingOn ? { waitingOn: run.waitingOn } : {}),
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
  };
}
