import type { MigrationInterface, QueryRunner } from "typeorm";
import { createApplyFunction as createV2ApplyFunction } from "../v2/apply-function.js";
import { createApplyFunction } from "./apply-function.js";

/**
 * Durable timers: `timers` holds one row per unsettled call with a `dueAt` (a `sleep`, a call or run
 * with a `timeoutMs`), indexed by due time, so that the timer service finds what is due with one index
 * scan whatever the number of sleeping runs; `claimed_until` is set by the instance that fires it (an
 * instance that died leaves it to another once passed). The apply function keeps it, and leases a call
 * waiting for its next attempt until that attempt is due.
 */
export class DurableTimers1766000000000 implements MigrationInterface {
  name = "DurableTimers1766000000000";

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE timers (
        stack_run_id uuid PRIMARY KEY,
        task_run_id uuid NOT NULL,
        due_at timestamptz NOT NULL,
        claimed_until timestamptz
      )`);
    await runner.query(`CREATE INDEX timers_due_at ON timers (due_at)`);
    await runner.query(`CREATE INDEX timers_task_run_id ON timers (task_run_id)`);
    await runner.query(createApplyFunction);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE timers`);
    await runner.query(createV2ApplyFunction.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"));
  }
}
