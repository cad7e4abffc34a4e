import type { Sql } from "@tasker/event-store";

/** Forgets the timer of `stackRunId`: nothing is left for it to decide (its call settled, its run ended). */
export async function deleteTimer(sql: Sql, stackRunId: string): Promise<void> {
  await sql.rows(`DELETE FROM timers WHERE stack_run_id = $1`, [stackRunId]);
}
