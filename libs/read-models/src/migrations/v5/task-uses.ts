import type { MigrationInterface, QueryRunner } from "typeorm";
import { createApplyFunction as createV4ApplyFunction } from "../v4/apply-function.js";
import { createApplyFunction } from "./apply-function.js";

/**
 * A task function's `@uses` (what it may call with `TASKER_ENFORCE_USES` on): `uses`, a JSON array of
 * strings, on `task_functions` (listed by `GET /task-functions`) and on `task_function_versions` (the
 * executor weighs a run's calls against its pinned version's). What was published before declared none.
 */
export class TaskUses1768000000000 implements MigrationInterface {
  name = "TaskUses1768000000000";

  async up(runner: QueryRunner): Promise<void> {
    for (const table of ["task_functions", "task_function_versions"]) await runner.query(`ALTER TABLE ${table} ADD COLUMN uses jsonb NOT NULL DEFAULT '[]'`);
    await runner.query(createApplyFunction);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(createV4ApplyFunction);
    for (const table of ["task_functions", "task_function_versions"]) await runner.query(`ALTER TABLE ${table} DROP COLUMN uses`);
  }
}
