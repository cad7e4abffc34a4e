import { type RecordedEvent, taskRunIdOf } from "@tasker/contracts";
import type { Projection, Sql } from "@tasker/event-store";

const NOT_ENDED = "status NOT IN ('completed', 'failed', 'cancelled')";

/** Sets the run's status from an event of its root stack run (ignored for nested ones, and once the run ended). */
function rootStatus(sql: Sql, taskRunId: string, stackRunId: string, status: string, at: string) {
  return sql.rows(
    `UPDATE task_runs SET status = $3, waiting_on = NULL, updated_at = $4
     WHERE task_run_id = $1 AND root_stack_run_id = $2 AND ${NOT_ENDED}`,
    [taskRunId, stackRunId, status, at],
  );
}

function end(sql: Sql, taskRunId: string, status: string, result: unknown, error: unknown, at: string) {
  return sql.rows(
    `UPDATE task_runs SET status = $2, result = $3, error = $4, waiting_on = NULL, updated_at = $5 WHERE task_run_id = $1`,
    [taskRunId, status, result === undefined ? null : JSON.stringify(result), error === undefined ? null : JSON.stringify(error), at],
  );
}

async function applyOne(sql: Sql, event: RecordedEvent): Promise<void> {
  const at = event.metadata.recordedAt;
  switch (event.type) {
    case "run.submitted": {
      const { taskRunId, taskName, taskVersion, input, idempotencyKey } = event.data;
      await sql.rows(
        `INSERT INTO task_runs (task_run_id, task_name, task_version, input, status, idempotency_key, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'queued', $5, $6, $6)`,
        [taskRunId, taskName, taskVersion, JSON.stringify(input), idempotencyKey, at],
      );
      return;
    }
    case "stack.created":
      if (event.data.parentStackRunId === null) {
        await sql.rows(`UPDATE task_runs SET root_stack_run_id = $2 WHERE task_run_id = $1`, [
          taskRunIdOf(event.metadata.streamId),
          event.data.stackRunId,
        ]);
      }
      return;
    case "stack.started":
    case "vm.resumed":
      await rootStatus(sql, taskRunIdOf(event.metadata.streamId), event.data.stackRunId, "processing", at);
      return;
    case "vm.suspended":
      // Reads the calls it waits on from stack_runs, which the stack-runs projection filled first.
      await sql.rows(
        `UPDATE task_runs SET status = 'suspended', updated_at = $4, waiting_on = (
           SELECT jsonb_agg(jsonb_build_object('stackRunId', stack_run_id, 'seq', seq, 'service', service, 'method', method) ORDER BY seq)
           FROM stack_runs WHERE parent_stack_run_id = $2 AND seq = ANY($3::int[]))
         WHERE task_run_id = $1 AND root_stack_run_id = $2 AND ${NOT_ENDED}`,
        [taskRunIdOf(event.metadata.streamId), event.data.stackRunId, event.data.waitingOn, at],
      );
      return;
    case "log.appended":
      await sql.rows(
        `INSERT INTO task_run_logs (task_run_id, position, stack_run_id, level, message, at) VALUES ($1, $2, $3, $4, $5, $6)`,
        [taskRunIdOf(event.metadata.streamId), event.metadata.position, event.data.stackRunId, event.data.level, event.data.message, event.data.at],
      );
      return;
    case "run.completed":
      await end(sql, event.data.taskRunId, "completed", event.data.result, undefined, at);
      return;
    case "run.failed":
      await end(sql, event.data.taskRunId, "failed", undefined, event.data.error, at);
      return;
    case "run.cancelled":
      await end(sql, event.data.taskRunId, "cancelled", undefined, { code: "CANCELLED", message: event.data.reason ?? "cancelled" }, at);
      return;
    default:
      return;
  }
}

/** `task_runs` (one row per run, its status, result and what it waits on) and `task_run_logs`. */
export const taskRunsProjection: Projection = {
  name: "task-runs",
  tables: ["task_runs", "task_run_logs"],
  async apply(sql: Sql, events: readonly RecordedEvent[]): Promise<void> {
    for (const event of events) await applyOne(sql, event);
  },
};
