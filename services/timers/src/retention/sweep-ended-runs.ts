import { sqlOf } from "@tasker/event-store";
import type { DataSource } from "typeorm";
import { deleteRuns } from "../sql/delete-runs.js";
import { endedRunsBefore } from "../sql/ended-runs-before.js";

/** One-key advisory lock held by the instance sweeping; any 64-bit constant every instance agrees on. */
const RETENTION_LOCK = 7_415_118_633;

const MS_PER_DAY = 24 * 3600 * 1000;

export interface SweepOptions {
  /** Days an ended run is kept after its end (`TASKER_RETENTION_DAYS`). */
  readonly retentionDays: number;
  /** The sweep's clock: runs that ended before `now - retentionDays` go. */
  readonly now: Date;
  /** Runs deleted per transaction. */
  readonly batchSize?: number;
  /** Once aborted, the sweep ends after the batch under way: the runs left wait for the next sweep. */
  readonly signal?: AbortSignal;
}

/** What one sweep did: `skipped` when another instance held the lock (and swept meanwhile). */
export type SweepOutcome = { skipped: true } | { skipped: false; runs: number; events: number };

/**
 * Deletes the runs that ended more than `retentionDays` before `now`, everything kept of them
 * (`deleteRuns`), one transaction per batch of `batchSize` runs, until none is left. One instance at
 * a time: the sweep holds a session advisory lock on its own connection, and an instance that finds it
 * taken skips its sweep. `signal` ends it early, between batches. Database errors are thrown (runs
 * deleted by earlier batches stay deleted).
 */
export async function sweepEndedRuns(dataSource: DataSource, options: SweepOptions): Promise<SweepOutcome> {
  const horizon = new Date(options.now.getTime() - options.retentionDays * MS_PER_DAY);
  const batchSize = options.batchSize ?? 100;
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  const sql = sqlOf(runner);
  try {
    const [lock] = await sql.rows<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [RETENTION_LOCK]);
    if (!lock!.locked) return { skipped: true };
    try {
      let runs = 0;
      let events = 0;
      const next = async () => (options.signal?.aborted ? [] : endedRunsBefore(sql, horizon, batchSize));
      for (let batch = await next(); batch.length > 0; batch = await next()) {
        await runner.startTransaction();
        try {
          events += await deleteRuns(sql, batch);
          await runner.commitTransaction();
        } catch (error) {
          await runner.rollbackTransaction();
          throw error;
        }
        runs += batch.length;
      }
      return { skipped: false, runs, events };
    } finally {
      await sql.rows("SELECT pg_advisory_unlock($1)", [RETENTION_LOCK]);
    }
  } finally {
    await runner.release();
  }
}
