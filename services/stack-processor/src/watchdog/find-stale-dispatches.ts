import type { Sql } from "@tasker/event-store";

/** An event whose consumer should have acted on it by now, but the read models show it has not. */
export interface StaleDispatch {
  streamId: string;
  version: number;
  /** How long ago the event was recorded. */
  ageMs: number;
  reason: string;
}

/**
 * Calls of every service whose work no worker is known to be doing: (a) stack runs still `pending`
 * a lease after their `stack.created` (nobody took them; but a `sleep` or a signal wait, which no
 * worker takes: its timer or a signal settles it), or `processing` past the lease of their
 * `stack.started` (the worker that took them is gone), with that `stack.created`; (b)
 * `resume.requested` events a lease old whose stack run's activation is still below the one
 * requested (no executor resumed it). `stack_runs` holds only unfinished runs, so ended runs never
 * come back. Oldest first. The events are found by the positions the read model keeps: none is parsed.
 */
export function findStaleDispatches(sql: Sql, leaseMs: number, limit: number): Promise<StaleDispatch[]> {
  return sql
    .rows<StaleDispatch>(
      `SELECT * FROM (
         SELECT e.stream_id AS "streamId", e.version, extract(epoch FROM now() - e.recorded_at) * 1000 AS "ageMs",
                'stack run ' || s.stack_run_id || ' (' || s.service || ') still ' || s.status AS reason
         FROM stack_runs s
         JOIN events e ON e.position = s.created_position
         WHERE (s.status = 'pending' AND s.service NOT IN ('sleep', 'signals') AND s.updated_at < now() - make_interval(secs => $1 / 1000.0))
            OR (s.status = 'processing' AND s.lease_until < now())
         UNION ALL
         SELECT e.stream_id, e.version, extract(epoch FROM now() - e.recorded_at) * 1000,
                'stack run ' || s.stack_run_id || ' not resumed to activation ' || s.requested_activation
         FROM stack_runs s
         JOIN events e ON e.position = s.resume_position
         WHERE s.status = 'suspended' AND s.requested_activation > s.activation
           AND e.recorded_at < now() - make_interval(secs => $1 / 1000.0)
       ) stale ORDER BY "ageMs" DESC LIMIT $2`,
      [leaseMs, limit],
    )
    .then((rows) => rows.map((row) => ({ ...row, ageMs: Number(row.ageMs) })));
}
