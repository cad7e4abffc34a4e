import type { Sql } from "@tasker/event-store";

/** A due timer this instance claimed: it fires it before `claimMs` pass, or another instance may. */
export interface ClaimedTimer {
  readonly stackRunId: string;
  readonly taskRunId: string;
  /** ISO-8601. */
  readonly dueAt: string;
}

/**
 * Claims at most `limit` timers due by the database's clock and not claimed by a live lease, oldest due
 * first, for `claimMs` milliseconds, in one statement. `SKIP LOCKED` lets instances claim side by side
 * without waiting on each other; the row locks end with the statement, so none is held across the
 * append that fires the timer (whose projection deletes the row). Uses the `due_at` index.
 */
export function claimDueTimers(sql: Sql, claimMs: number, limit: number): Promise<ClaimedTimer[]> {
  return sql.rows<ClaimedTimer>(
    `UPDATE timers SET claimed_until = now() + make_interval(secs => $1 / 1000.0)
     WHERE stack_run_id IN (
       SELECT stack_run_id FROM timers
       WHERE due_at <= now() AND (claimed_until IS NULL OR claimed_until < now())
       ORDER BY due_at LIMIT $2
       FOR UPDATE SKIP LOCKED)
     RETURNING stack_run_id::text AS "stackRunId", task_run_id::text AS "taskRunId",
               to_char(due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "dueAt"`,
    [claimMs, limit],
  );
}
