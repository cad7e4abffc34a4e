import type { MigrationInterface, QueryRunner } from "typeorm";
import { createTakeConditionsFunction } from "./take-conditions-function.js";

/**
 * Conditional appends become all or nothing (`tasker_take_conditions`), and the outbox remembers
 * why an event could not be published, so that the sweeper goes on past it and tries it again later.
 */
export class AtomicConditions1764720000000 implements MigrationInterface {
  name = "AtomicConditions1764720000000";

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(createTakeConditionsFunction);
    await runner.query(`
      ALTER TABLE outbox
        ADD COLUMN attempts integer NOT NULL DEFAULT 0,
        ADD COLUMN last_error text,
        ADD COLUMN retry_at timestamptz`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE outbox DROP COLUMN attempts, DROP COLUMN last_error, DROP COLUMN retry_at`);
    await runner.query(`DROP FUNCTION tasker_take_conditions(text, integer, jsonb, jsonb)`);
  }
}
