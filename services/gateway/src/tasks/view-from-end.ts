import type { RunEnd } from "@tasker/bus";
import type { JsonValue, RecordedEvent, RunSubmitted, TaskRunStatus, TaskRunView } from "@tasker/contracts";
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

/** The status of a run that ended with an event of this type. */
export const STATUS_OF_END: Readonly<Record<RunEnd["type"], TaskRunStatus>> = { "run.completed": "completed", "run.failed": "failed", "run.cancelled": "cancelled" };

/** A run's submission as its `run.submitted` was recorded. */
export function submissionOf(submitted: RecordedEvent<RunSubmitted>): RunSubmission {
  return { taskRunId: submitted.data.taskRunId, taskName: submitted.data.taskName, input: submitted.data.input, createdAt: submitted.metadata.recordedAt };
}

/**
 * The run as `GET /tasks/:id` shows it once `end` is recorded, from its submission and its ending
 * event alone (no read): its `updatedAt` is the end's `recordedAt`, which the read models copy. Undefined
 * when the end does not say the run logged nothing (run-model's `loggedNothing`): only a read knows its logs then.
 */
export function viewFromEnd(submission: RunSubmission, end: RunEnd): TaskRunView | undefined {
  if (!loggedNothing(end)) return undefined;
  const { taskRunId, taskName, input, createdAt } = submission;
  return taskRunView({ taskRunId, taskName, status: STATUS_OF_END[end.type], input, ended: end.data, logs: [], logCount: 0, waitingOn: null, createdAt, updatedAt: end.metadata.recordedAt });
}
