import type { TaskerSystem } from "./tasker-system.js";

/** One durable sleep of a run: when it was due and when it completed, by the clocks that recorded them. */
export interface SleepTiming {
  readonly taskRunId: string;
  readonly stackRunId: string;
  /** `stack.created`'s `dueAt`, epoch ms. */
  readonly dueAt: number;
  /** When its `stack.completed` was recorded, epoch ms; null while it has not completed. */
  readonly completedAt: number | null;
}

/**
 * Every `tools.sleep` call of the runs `taskRunIds`, with its due time and the time its completion was
 * recorded (the database's clock at the append): `completedAt - dueAt` is how late its timer fired
 * (negative: early).
 */
export async function sleepTimings(tasker: TaskerSystem, taskRunIds: readonly string[]): Promise<SleepTiming[]> {
  const rows = await tasker.sql<{ streamId: string; stackRunId: string; dueAt: string; completedAt: string | null }>(
    `SELECT c.stream_id AS "streamId", c.data->>'stackRunId' AS "stackRunId", c.data->>'dueAt' AS "dueAt",
            to_char(d.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "completedAt"
     FROM events c
     LEFT JOIN events d ON d.stream_id = c.stream_id AND d.type = 'stack.completed' AND d.data->>'stackRunId' = c.data->>'stackRunId'
     WHERE c.type = 'stack.created' AND c.data->>'service' = 'sleep' AND c.stream_id = ANY($1)`,
    [taskRunIds.map((taskRunId) => `run:${taskRunId}`)],
  );
  return rows.map((row) => ({
    taskRunId: row.streamId.slice("run:".length),
    stackRunId: row.stackRunId,
    dueAt: Date.parse(row.dueAt),
    completedAt: row.completedAt === null ? null : Date.parse(row.completedAt),
  }));
}
