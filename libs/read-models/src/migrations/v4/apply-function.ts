import { amendedSql } from "../amended-sql.js";
import { createApplyFunction as createV3ApplyFunction } from "../v3/apply-function.js";

/**
 * `tasker_read_models_apply(events json)` as of v3 (see there), but a task function and a run belong
 * to the namespace their event names (`default` when it names none): `task.published` writes
 * `task_functions` keyed by (namespace, name) and `task_function_versions` by (namespace, name,
 * version), `run.submitted` writes `task_runs.namespace`. Written as v3's text with these edits, so
 * that what v4 changes is all here.
 */
export const createApplyFunction = amendedSql("v4", createV3ApplyFunction, [
  [`"stackRunId" uuid, "parentStackRunId" uuid,`, `namespace text, "stackRunId" uuid, "parentStackRunId" uuid,`],
  [
    `INSERT INTO task_function_versions (name, version, code, published_at)
      VALUES (d.name,`,
    `INSERT INTO task_function_versions (namespace, name, version, code, published_at)
      VALUES (coalesce(d.namespace, 'default'), d.name,`,
  ],
  [
    `INSERT INTO task_functions (name, version, description, params, published_at)
      VALUES (d.name,`,
    `INSERT INTO task_functions (namespace, name, version, description, params, published_at)
      VALUES (coalesce(d.namespace, 'default'), d.name,`,
  ],
  [`ON CONFLICT (name) DO UPDATE`, `ON CONFLICT (namespace, name) DO UPDATE`],
  [
    `INSERT INTO task_runs (task_run_id, task_name, task_version, submitted_position, status, idempotency_key, created_at, updated_at)
      VALUES (run_id, d."taskName",`,
    `INSERT INTO task_runs (task_run_id, namespace, task_name, task_version, submitted_position, status, idempotency_key, created_at, updated_at)
      VALUES (run_id, coalesce(d.namespace, 'default'), d."taskName",`,
  ],
]);
