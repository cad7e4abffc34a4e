import type { MigrationInterface, QueryRunner } from "typeorm";
import { createAppendBatchFunction, createAppendedType } from "./append-batch-function.js";

/** Concurrent appends of one process go to the database together (`tasker_append_batch`): one round trip, one commit. */
export class AppendBatch1770000000000 implements MigrationInterface {
  name = "AppendBatch1770000000000";

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(createAppendedType);
    await runner.query(createAppendBatchFunction);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP FUNCTION tasker_append_batch(json, jsonb, json)`);
    await runner.query(`DROP TYPE tasker_appended`);
  }
}
