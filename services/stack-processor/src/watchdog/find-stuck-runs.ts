import type { Sql } from "@tasker/event-store";

/** A run that no consumer will move on by itself: a decision of the rules is missing. */
export interface StuckRun {
  taskRunId: string;
  reason: string;
}

/**
 * Runs a lease past the point where a decision was due: a suspended stack run whose calls all settled
 * with no resume requested for its next activation; a settled root whose run did not end; a cancel
 * request not acted on. Candidates only: the caller folds the run and decides again.
 */
export function findStuckRuns(sql: Sql, leaseMs: number, limit: number): Promise<StuckRun[]> {
  return sql.rows<StuckRun>(
    `WITH horizon AS (SELECT now() - make_interval(secs => $1 / 1000.0) AS t)
     SELECT * FROM (
       SELECT s.task_run_id::text AS "taskRunId",
              'stack run ' || s.stack_run_id || ' is suspended at activation ' || s.activation ||
              ' with all its calls settled, but no resume was requested' AS reason
       FROM stack_runs s, horizon
       WHERE s.status = 'suspended' AND s.updated_at < horizon.t
         AND EXISTS (SELECT 1 FROM stack_runs c WHERE c.parent_stack_run_id = s.stack_run_id)
         AND NOT EXISTS (SELECT 1 FROM stack_runs c WHERE c.parent_stack_run_id = s.stack_run_id
                                                     AND (c.status NOT IN ('completed', 'failed') OR c.updated_at >= horizon.t))
         AND NOT coalesce(s.requested_activation > s.activation, false)
       UNION ALL
       SELECT s.task_run_id::text, 'its root stack run ' || s.stack_run_id || ' ' || s.status || ' but the run did not end'
       FROM stack_runs s, horizon
       WHERE s.parent_stack_run_id IS NULL AND s.status IN ('completed', 'failed') AND s.updated_at < horizon.t
       UNION ALL
       SELECT t.task_run_id::text, 'a cancel was requested but the run was not cancelled'
       FROM task_runs t
       JOIN events e ON e.stream_id = 'run:' || t.task_run_id AND e.type = 'run.cancel-requested', horizon
       WHERE t.status IN ('queued', 'processing', 'suspended') AND e.recorded_at < horizon.t
     ) stuck LIMIT $2`,
    [leaseMs, limit],
  );
}
