import { z } from "zod";
import { StorableJson, StorableString } from "./storable-json.js";
import { ApiTaskName } from "./task-functions.js";

/** `POST /tasks`: run the current version of a task function. */
export const SubmitTaskRequest = z.object({
  taskName: ApiTaskName,
  /** Handed to the task as its first argument; `null` when left out. */
  input: StorableJson.optional(),
  /**
   * Submitting the same task again with the same key and the same input (compared as JSON values)
   * answers with the same run instead of starting another; with another input, `409
   * IDEMPOTENCY_CONFLICT`. Keys are scoped to the task name, in the namespace.
   */
  idempotencyKey: StorableString.min(1, "must not be empty").max(256, "must be at most 256 characters").optional(),
  /**
   * Milliseconds the run may take: once they pass, the run fails with `TIMEOUT` (and its calls are
   * cancelled). A positive integer, at most `TASKER_MAX_TIMER_MS` (30 days by default); no limit when
   * left out.
   */
  timeoutMs: z.int("must be an integer number of milliseconds").positive("must be a positive number of milliseconds").optional(),
});
export type SubmitTaskRequest = z.infer<typeof SubmitTaskRequest>;

export const TaskRunStatus = z.enum(["queued", "processing", "suspended", "completed", "failed", "cancelled"]);
export type TaskRunStatus = z.infer<typeof TaskRunStatus>;

/** The statuses a run never leaves. */
export const ENDED_STATUSES: readonly TaskRunStatus[] = ["completed", "failed", "cancelled"];

export const SubmitTaskResponse = z.object({ taskRunId: z.uuid(), status: TaskRunStatus });
export type SubmitTaskResponse = z.infer<typeof SubmitTaskResponse>;

/** The path parameter naming a run. */
export const TaskRunIdParam = z.uuid({ message: "must be a task run id (a UUID)" });

export const TaskRunLogLine = z.object({
  at: z.iso.datetime(),
  level: z.enum(["debug", "info", "warn", "error"]),
  message: z.string(),
  stackRunId: z.uuid(),
});
export type TaskRunLogLine = z.infer<typeof TaskRunLogLine>;

/** A call a suspended run waits on. */
export const WaitingOnCall = z.object({
  stackRunId: z.uuid(),
  seq: z.int().nonnegative(),
  service: z.string(),
  method: z.array(z.string()),
});
export type WaitingOnCall = z.infer<typeof WaitingOnCall>;

/** The log lines a run's view holds at most: its last ones (a run may log without bound over its life). */
export const MAX_VIEW_LOG_LINES = 1000;

/**
 * A run's error as the API shows it: the error the run failed with (a task's own error keeps its
 * `code`, a string or a number, its `name` and `stack`), its `cause` in the same shape, and `details`,
 * the error's own JSON-able properties (see the README's "Writing a task"). A cancelled run's error is
 * a `CancelledError` with code `CANCELLED`.
 */
export type TaskErrorView = {
  code: string | number;
  message: string;
  name: string;
  stack?: string;
  cause?: TaskErrorView;
  details?: Record<string, z.core.util.JSONType>;
};
export const TaskErrorView: z.ZodType<TaskErrorView> = z.object({
  code: z.union([z.string(), z.number()]),
  message: z.string(),
  name: z.string(),
  stack: z.string().optional(),
  get cause() {
    return TaskErrorView.optional();
  },
  details: z.record(z.string(), z.json()).optional(),
});

/** `GET /tasks/:taskRunId` (and `/result`): a run as the read models show it. */
export const TaskRunView = z.object({
  taskRunId: z.uuid(),
  taskName: z.string(),
  status: TaskRunStatus,
  input: z.json(),
  /** Present once the run completed. */
  result: z.json().optional(),
  /** Present once the run failed or was cancelled. */
  error: TaskErrorView.optional(),
  /** The run's last `MAX_VIEW_LOG_LINES` log lines, in order. */
  logs: z.array(TaskRunLogLine),
  /** Present when the run logged more: how many earlier lines `logs` leaves out (`tasker events` has them all). */
  logsOmitted: z.int().positive().optional(),
  /** Present while the run is suspended: the calls its root waits on. */
  waitingOn: z.array(WaitingOnCall).optional(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type TaskRunView = z.infer<typeof TaskRunView>;

/** The longest `GET /tasks/:taskRunId/result?wait=` or `POST /tasks?wait=` the gateway holds a request open. */
export const MAX_RESULT_WAIT_SECONDS = 60;

/** The `wait` query parameter: seconds, 0 to 60, decimals allowed; 0 when left out. */
export const ResultWaitSeconds = z.coerce
  .number({ message: "must be a number of seconds" })
  .min(0, "must not be negative")
  .max(MAX_RESULT_WAIT_SECONDS, `must be at most ${MAX_RESULT_WAIT_SECONDS} seconds`)
  .default(0);

/** `POST /tasks/:taskRunId/cancel`: the body is optional. */
export const CancelTaskRequest = z.object({ reason: StorableString.max(1000, "must be at most 1000 characters").optional() });
export type CancelTaskRequest = z.infer<typeof CancelTaskRequest>;

export const CancelTaskResponse = SubmitTaskResponse;
export type CancelTaskResponse = z.infer<typeof CancelTaskResponse>;
