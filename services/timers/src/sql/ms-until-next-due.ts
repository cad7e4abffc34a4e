import type { Sql } from "@tasker/event-store";

/**
 * Milliseconds until the next timer no live lease holds is due by the database's clock (0 when one is
 * due already), or null when there is none. One step along the `due_at` index.
 */
export async function msUntilNextDue(sql: Sql): Promise<number | null> {
  const [next] = await sql.rows<{ ms: number }>(
    `SELECT greatest(0, extract(epoch FROM due_at - now()) * 1000)::float8 AS ms FROM timers
     WHERE claimed_until IS NULL OR claimed_until < now()
     ORDER BY due_at LIMIT 1`,
  );
  return next ? next.ms : null;
}
