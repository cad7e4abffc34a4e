import type { RunEnd } from "@tasker/bus";
import type { JsonValue, TaskRunStatus, TaskRunView } from "@tasker/contracts";
import { loggedNothing } from "@tasker/run-model";
import { taskRunView } from "./task-run-view.js";

/** What a run's view holds from its submission on: its `run.submitted` as recorded (or as a read of the run showed it). */
export interface RunSubmission {
  readonly taskRunId: string;
  readonly taskName: string;
  readonly input: JsonValue;
  /** The `run.submitted`'s `recordedAt` (ISO-8601, milliseconds). */
  readonly createdAt: string;
}

const STATUS_OF: Record<RunEnd["type"], TaskRunStatus> = { "run.completed": "completed", "run.failed": "failed", "run.cancelled": "cancelled" };

/**
 * The run as `GET /tasks/:id` shows it once `end` is recorded, from its submission and its ending
 * event alone (no read): its `updatedAt` is the end's `recordedAt`, which the read models copy. Undefined
 * when the end does not say the run logged nothing (run-model's `loggedNothing`): only a read knows its logs then.
 */
export function viewFromEnd(submission: RunSubmission, end: RunEnd): TaskRunView | undefined {
  if (!loggedNothing(end)) return undefined;
  const { taskRunId, taskName, input, createdAt } = submission;
  return taskRunView({ taskRunId, taskName, status: STATUS_OF[end.type], input, ended: end.data, logs: [], logCount: 0, waitingOn: null, createdAt, updatedAt: end.metadata.recordedAt });
}
