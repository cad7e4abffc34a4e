import { runStreamId } from "@tasker/contracts";
import type { Sql } from "@tasker/event-store";

/**
 * Deletes everything kept of the task runs `taskRunIds`: their streams' events (with any outbox row
 * of them), stream heads and guards, and their read-model rows (`task_runs`, `task_run_logs`,
 * `stack_runs`, `timers`). Run inside one transaction, so a reader sees a run whole or not at all.
 * Answers the number of events deleted.
 */
export async function deleteRuns(sql: Sql, taskRunIds: readonly string[]): Promise<number> {
  const streams = taskRunIds.map(runStreamId);
  // The stream heads first: their row locks order this after (and before) any append to these runs.
  await sql.rows(`DELETE FROM streams WHERE stream_id = ANY($1)`, [streams]);
  await sql.rows(`DELETE FROM outbox WHERE position IN (SELECT position FROM events WHERE stream_id = ANY($1))`, [streams]);
  const [deleted] = await sql.rows<{ count: string }>(`WITH gone AS (DELETE FROM events WHERE stream_id = ANY($1) RETURNING 1) SELECT count(*) FROM gone`, [streams]);
  await sql.rows(`DELETE FROM stream_guards WHERE stream_id = ANY($1)`, [streams]);
  for (const table of ["task_run_logs", "stack_runs", "timers", "task_runs"]) {
    await sql.rows(`DELETE FROM ${table} WHERE task_run_id = ANY($1::uuid[])`, [taskRunIds]);
  }
  return Number(deleted!.count);
}
