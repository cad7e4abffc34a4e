import { type RecordedEvent, taskRunIdOf } from "@tasker/contracts";
import type { Projection, Sql } from "@tasker/event-store";

function setStatus(sql: Sql, stackRunId: string, status: string, at: string, extra = "", params: unknown[] = []) {
  return sql.rows(`UPDATE stack_runs SET status = $2, updated_at = $3${extra} WHERE stack_run_id = $1`, [stackRunId, status, at, ...params]);
}

async function applyOne(sql: Sql, event: RecordedEvent): Promise<void> {
  const at = event.metadata.recordedAt;
  switch (event.type) {
    case "stack.created": {
      const { stackRunId, parentStackRunId, seq, service, method, args, depth } = event.data;
      await sql.rows(
        `INSERT INTO stack_runs (stack_run_id, task_run_id, parent_stack_run_id, seq, service, method, args, depth, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9, $9)`,
        [stackRunId, taskRunIdOf(event.metadata.streamId), parentStackRunId, seq, service, JSON.stringify(method), JSON.stringify(args), depth, at],
      );
      return;
    }
    case "stack.started":
      await setStatus(sql, event.data.stackRunId, "processing", at, ", worker = $4, lease_until = $5", [event.data.worker, event.data.leaseUntil]);
      return;
    case "vm.suspended":
      await setStatus(sql, event.data.stackRunId, "suspended", at, ", activation = $4, worker = NULL, lease_until = NULL", [event.data.activation]);
      return;
    case "vm.resumed":
      await setStatus(sql, event.data.stackRunId, "processing", at, ", activation = $4", [event.data.activation]);
      return;
    case "stack.completed":
      await setStatus(sql, event.data.stackRunId, "completed", at, ", result = $4, lease_until = NULL", [JSON.stringify(event.data.result)]);
      return;
    case "stack.failed":
      await setStatus(sql, event.data.stackRunId, "failed", at, ", error = $4, lease_until = NULL", [JSON.stringify(event.data.error)]);
      return;
    case "run.completed":
    case "run.failed":
    case "run.cancelled":
      // Stack runs are ephemeral: once the run ended, its events are the only record of them.
      await sql.rows(`DELETE FROM stack_runs WHERE task_run_id = $1`, [event.data.taskRunId]);
      return;
    default:
      return;
  }
}

/** `stack_runs`: the live calls of unfinished runs, for the rules, the watchdog and "waiting on". */
export const stackRunsProjection: Projection = {
  name: "stack-runs",
  tables: ["stack_runs"],
  async apply(sql: Sql, events: readonly RecordedEvent[]): Promise<void> {
    for (const event of events) await applyOne(sql, event);
  },
};
