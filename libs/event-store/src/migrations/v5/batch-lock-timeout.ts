import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * How long an append inside `tasker_append_batch` waits for a lock another session holds before it
 * gives up (SQLSTATE 55P03) and is sent again alone (`AppendBatcher`): a batch commits all its appends
 * at once, so without a bound one append waiting on a stream that another transaction holds would
 * hold back every other append of its batch, and with them every process waiting on them, for as
 * long as that transaction lasts.
 */
export const BATCH_LOCK_TIMEOUT = "100ms";

/** `tasker_append_batch` runs under `lock_timeout` = `BATCH_LOCK_TIMEOUT` (the function's own setting, restored when it returns). */
export class BatchLockTimeout1770100000000 implements MigrationInterface {
  name = "BatchLockTimeout1770100000000";

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER FUNCTION tasker_append_batch(json, jsonb, json) SET lock_timeout = '${BATCH_LOCK_TIMEOUT}'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER FUNCTION tasker_append_batch(json, jsonb, json) RESET lock_timeout`);
  }
}
