import type { MigrationInterface, QueryRunner } from "typeorm";
import { createApplyFunction as createV6ApplyFunction } from "../v6/apply-function.js";
import { createApplyFunction } from "./apply-function.js";

/**
 * The apply function skips the stack runs of a run that ends in the same append (see `createApplyFunction`),
 * reading the events once into `tasker_read_models_event`, one appended row as the function reads it.
 */
export class RunsEndedInOneAppend1770000000000 implements MigrationInterface {
  name = "RunsEndedInOneAppend1770000000000";

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TYPE tasker_read_models_event AS (position bigint, stream_id text, type text, data json, recorded_at timestamptz)`);
    await runner.query(createApplyFunction);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(createV6ApplyFunction);
    await runner.query(`DROP TYPE tasker_read_models_event`);
  }
}
