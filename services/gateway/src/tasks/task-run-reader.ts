import { Inject, Injectable } from "@nestjs/common";
import { type JsonValue, MAX_VIEW_LOG_LINES, type TaskRunLogLine, type TaskRunStatus, type TaskRunView, type WaitingOnCall } from "@tasker/contracts";
import { READ_MODELS, type ReadModelsSql } from "../platform.token.js";
import { type EndedData, taskRunView } from "./task-run-view.js";

interface RunRow {
  task_run_id: string;
  task_name: string;
  status: TaskRunStatus;
  /** The data of the run's `run.submitted` event, as written. */
  submitted: { input: JsonValue };
  /** The data of the event that ended the run (`run.completed`, `run.failed` or `run.cancelled`), as written. */
  ended: EndedData | null;
  waiting_on: WaitingOnCall[] | null;
  created_at: Date;
  updated_at: Date;
}

interface LogRow {
  /** As `json_build_object` renders a timestamptz: `2026-11-26T06:03:02.123+00:00`. */
  at: string;
  level: TaskRunLogLine["level"];
  message: string;
  stack_run_id: string;
}

/** A run's id and status: what the submit and cancel answers carry. */
export interface RunStatus {
  readonly taskRunId: string;
  readonly status: TaskRunStatus;
}

/** A run found by its idempotency key: its status and the input it was submitted with. */
export interface KeyedRun extends RunStatus {
  readonly input: JsonValue;
}

function toView(run: RunRow & { logs: readonly LogRow[]; log_count: string }): TaskRunView {
  return taskRunView({
    taskRunId: run.task_run_id,
    taskName: run.task_name,
    status: run.status,
    input: run.submitted.input,
    ended: run.ended,
    logs: run.logs.map((log) => ({ at: new Date(log.at).toISOString(), level: log.level, message: log.message, stackRunId: log.stack_run_id })),
    logCount: Number(run.log_count),
    waitingOn: run.waiting_on,
    createdAt: run.created_at.toISOString(),
    updatedAt: run.updated_at.toISOString(),
  });
}

/**
 * Task runs as the read models (`task_runs`, `task_run_logs`) show them, each read in one namespace:
 * another namespace's run is as if there were none.
 */
@Injectable()
export class TaskRunReader {
  constructor(@Inject(READ_MODELS) private readonly sql: ReadModelsSql) {}

  /**
   * The run with its last `MAX_VIEW_LOG_LINES` log lines in order, or undefined when there is no such
   * run in `namespace` (one query: reads are hot). Bounded: a run may log without bound over its life, and one
   * answer must never hold it all. Its input, result and error come from its events, as written.
   */
  async read(namespace: string, taskRunId: string): Promise<TaskRunView | undefined> {
    const [run] = await this.sql.rows<RunRow & { logs: LogRow[]; log_count: string }>(
      `SELECT task_run_id, task_name, status, waiting_on, created_at, updated_at,
         (SELECT data FROM events WHERE position = r.submitted_position) AS submitted,
         (SELECT data FROM events WHERE position = r.ended_position) AS ended,
         COALESCE((SELECT json_agg(json_build_object('at', l.at, 'level', l.level, 'message', l.message, 'stack_run_id', l.stack_run_id) ORDER BY l.position)
                   FROM (SELECT * FROM task_run_logs WHERE task_run_id = r.task_run_id ORDER BY position DESC LIMIT $2) l), '[]') AS logs,
         (SELECT count(*) FROM task_run_logs WHERE task_run_id = r.task_run_id) AS log_count
       FROM task_runs r WHERE task_run_id = $1 AND namespace = $3`,
      [taskRunId, MAX_VIEW_LOG_LINES, namespace],
    );
    return run && toView(run);
  }

  /** The run's status, or undefined when there is no such run in `namespace`. */
  async status(namespace: string, taskRunId: string): Promise<RunStatus | undefined> {
    const [run] = await this.sql.rows<RunStatus>(`SELECT task_run_id AS "taskRunId", status FROM task_runs WHERE task_run_id = $1 AND namespace = $2`, [
      taskRunId,
      namespace,
    ]);
    return run;
  }

  /** The run of `taskName` in `namespace` submitted with `idempotencyKey` (keys are scoped to the namespace and task name), with its input as written. */
  async byIdempotencyKey(namespace: string, taskName: string, idempotencyKey: string): Promise<KeyedRun | undefined> {
    // The whole event: json operators refuse a document holding \u0000 or an unpaired surrogate.
    const [run] = await this.sql.rows<RunStatus & { submitted: { input: JsonValue } }>(
      `SELECT task_run_id AS "taskRunId", status, (SELECT data FROM events WHERE position = r.submitted_position) AS submitted
       FROM task_runs r WHERE namespace = $3 AND task_name = $1 AND idempotency_key = $2`,
      [taskName, idempotencyKey, namespace],
    );
    return run && { taskRunId: run.taskRunId, status: run.status, input: run.submitted.input };
  }
}
