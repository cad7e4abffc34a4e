import { ENDED_STATUSES } from "@tasker/contracts";
import type { Sql } from "@tasker/event-store";

/**
 * Up to `limit` task runs that ended (completed, failed or cancelled) before `horizon`, by the
 * `recorded_at` of their end event (`task_runs.updated_at` once the run ended; one step of the index
 * `task_runs_status`). A run that has not ended is never among them, however old.
 */
export async function endedRunsBefore(sql: Sql, horizon: Date, limit: number): Promise<string[]> {
  const rows = await sql.rows<{ task_run_id: string }>(
    `SELECT task_run_id FROM task_runs
     WHERE status = ANY($3) AND updated_at < $1 AND ended_position IS NOT NULL
     ORDER BY updated_at LIMIT $2`,
    [horizon, limit, ENDED_STATUSES],
  );
  return rows.map((row) => row.task_run_id);
}
