import type { MigrationInterface, QueryRunner } from "typeorm";
import { createApplyFunction as createV5ApplyFunction } from "../v5/apply-function.js";
import { createApplyFunction } from "./apply-function.js";

/**
 * What the run inspector reads. `GET /tasks` pages a namespace's runs newest first, by `(created_at,
 * task_run_id)`, optionally of one status or one task: one index for each, so that a page costs the
 * same on the first page as deep in 100,000 runs. `GET /task-functions/:name/versions` shows every
 * version's `description` and `params` (`json`, to keep their order), filled here from the
 * `task.published` events of the versions published before.
 */
export class RunInspectorReads1769000000000 implements MigrationInterface {
  name = "RunInspectorReads1769000000000";

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE INDEX task_runs_newest ON task_runs (namespace, created_at, task_run_id)`);
    await runner.query(`CREATE INDEX task_runs_newest_by_status ON task_runs (namespace, status, created_at, task_run_id)`);
    await runner.query(`CREATE INDEX task_runs_newest_by_task ON task_runs (namespace, task_name, created_at, task_run_id)`);
    await runner.query(`ALTER TABLE task_function_versions ADD COLUMN description text NOT NULL DEFAULT '', ADD COLUMN params json NOT NULL DEFAULT '[]'`);
    await runner.query(`
      UPDATE task_function_versions v SET description = coalesce(p.data->>'description', ''), params = coalesce(p.data->'params', '[]')
      FROM (SELECT tasker_sql_json(data) AS data FROM events WHERE type = 'task.published') p
      WHERE coalesce(p.data->>'namespace', 'default') = v.namespace AND p.data->>'name' = v.name AND p.data->>'version' = v.version`);
    await runner.query(`ALTER TABLE task_function_versions ALTER COLUMN description DROP DEFAULT, ALTER COLUMN params DROP DEFAULT`);
    await runner.query(createApplyFunction);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(createV5ApplyFunction);
    await runner.query(`ALTER TABLE task_function_versions DROP COLUMN description, DROP COLUMN params`);
    for (const index of ["task_runs_newest", "task_runs_newest_by_status", "task_runs_newest_by_task"]) await runner.query(`DROP INDEX ${index}`);
  }
}
