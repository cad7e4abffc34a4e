import type { Sql } from "@tasker/event-store";

/**
 * Hands the timer of `stackRunId` back to be claimed again after `afterMs`: the database's clock said
 * it was due, this instance's clock says not yet (the clocks of two machines differ).
 */
export async function releaseTimer(sql: Sql, stackRunId: string, afterMs: number): Promise<void> {
  await sql.rows(`UPDATE timers SET claimed_until = now() + make_interval(secs => $2 / 1000.0) WHERE stack_run_id = $1`, [stackRunId, afterMs]);
}
