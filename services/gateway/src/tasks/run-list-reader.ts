import { Inject, Injectable } from "@nestjs/common";
import { ENDED_STATUSES, type TaskRunList, type TaskRunStatus } from "@tasker/contracts";
import { READ_MODELS, type ReadModelsSql } from "../platform.token.js";
import { encodeRunListCursor, type RunListCursor } from "./run-list-cursor.js";

/** Which runs of a namespace `GET /tasks` lists: all but what a field given narrows. */
export interface RunListQuery {
  readonly status?: TaskRunStatus;
  readonly taskName?: string;
  /** ISO-8601: runs created at or after it. */
  readonly since?: string;
  readonly limit: number;
  /** The page continues after this run. */
  readonly after?: RunListCursor;
}

interface SummaryRow {
  task_run_id: string;
  task_name: string;
  status: TaskRunStatus;
  created_at: Date;
  updated_at: Date;
  /** `created_at` in ISO-8601 to the microsecond: where the next page continues. */
  created_exact: string;
}

/**
 * Pages of a namespace's runs from `task_runs`, newest first by `(created_at, task_run_id)`: a keyset
 * page, served by the `task_runs_newest*` indexes (read-models v6), costs the same however deep.
 */
@Injectable()
export class RunListReader {
  constructor(@Inject(READ_MODELS) private readonly sql: ReadModelsSql) {}

  /** One page of `namespace`'s runs matching `query`, with the cursor of the next when more follow. */
  async list(namespace: string, query: RunListQuery): Promise<TaskRunList> {
    const params: unknown[] = [namespace];
    const where = ["namespace = $1"];
    const param = (value: unknown) => `$${params.push(value)}`;
    if (query.status) where.push(`status = ${param(query.status)}`);
    if (query.taskName) where.push(`task_name = ${param(query.taskName)}`);
    if (query.since) where.push(`created_at >= ${param(query.since)}::timestamptz`);
    if (query.after) where.push(`(created_at, task_run_id) < (${param(query.after.createdAt)}::timestamptz, ${param(query.after.taskRunId)}::uuid)`);
    const limit = param(query.limit + 1);
    const rows = await this.sql.rows<SummaryRow>(
      `SELECT task_run_id, task_name, status, created_at, updated_at,
         to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_exact
       FROM task_runs WHERE ${where.join(" AND ")}
       ORDER BY created_at DESC, task_run_id DESC LIMIT ${limit}`,
      params,
    );
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map((row) => ({
        taskRunId: row.task_run_id,
        taskName: row.task_name,
        status: row.status,
        createdAt: row.created_at.toISOString(),
        updatedAt: row.updated_at.toISOString(),
        ...(ENDED_STATUSES.includes(row.status) ? { durationMs: Math.max(0, row.updated_at.getTime() - row.created_at.getTime()) } : {}),
      })),
      ...(rows.length > query.limit && last ? { nextCursor: encodeRunListCursor({ createdAt: last.created_exact, taskRunId: last.task_run_id }) } : {}),
    };
  }
}
