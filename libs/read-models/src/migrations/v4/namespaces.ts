import type { MigrationInterface, QueryRunner } from "typeorm";
import { createApplyFunction as createV3ApplyFunction } from "../v3/apply-function.js";
import { createApplyFunction } from "./apply-function.js";

/**
 * Namespaces: a task function is one of its namespace (`task_functions` keyed by (namespace, name),
 * `task_function_versions` by (namespace, name, version)), a run belongs to one (`task_runs.namespace`),
 * and an idempotency key is unique per namespace and task name. What was recorded before is `default`'s.
 */
export class Namespaces1767000000000 implements MigrationInterface {
  name = "Namespaces1767000000000";

  async up(runner: QueryRunner): Promise<void> {
    for (const table of ["task_functions", "task_function_versions", "task_runs"]) {
      await runner.query(`ALTER TABLE ${table} ADD COLUMN namespace text NOT NULL DEFAULT 'default'`);
      await runner.query(`ALTER TABLE ${table} ALTER COLUMN namespace DROP DEFAULT`);
    }
    await runner.query(`ALTER TABLE task_functions DROP CONSTRAINT task_functions_pkey, ADD PRIMARY KEY (namespace, name)`);
    await runner.query(`ALTER TABLE task_function_versions DROP CONSTRAINT task_function_versions_pkey, ADD PRIMARY KEY (namespace, name, version)`);
    await runner.query(`DROP INDEX task_runs_idempotency_key`);
    await runner.query(`CREATE UNIQUE INDEX task_runs_idempotency_key ON task_runs (namespace, task_name, idempotency_key)`);
    await runner.query(createApplyFunction);
  }

  /** Back to one namespace: what other namespaces published or ran leaves the read models (its events stay). */
  async down(runner: QueryRunner): Promise<void> {
    await runner.query(createV3ApplyFunction);
    await runner.query(`DROP INDEX task_runs_idempotency_key`);
    for (const table of ["task_functions", "task_function_versions", "task_runs"]) await runner.query(`DELETE FROM ${table} WHERE namespace <> 'default'`);
    await runner.query(`CREATE UNIQUE INDEX task_runs_idempotency_key ON task_runs (task_name, idempotency_key)`);
    await runner.query(`ALTER TABLE task_function_versions DROP CONSTRAINT task_function_versions_pkey, ADD PRIMARY KEY (name, version)`);
    await runner.query(`ALTER TABLE task_functions DROP CONSTRAINT task_functions_pkey, ADD PRIMARY KEY (name)`);
    for (const table of ["task_functions", "task_function_versions", "task_runs"]) await runner.query(`ALTER TABLE ${table} DROP COLUMN namespace`);
  }
}
