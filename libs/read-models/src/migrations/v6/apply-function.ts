import { amendedSql } from "../amended-sql.js";
import { createApplyFunction as createV5ApplyFunction } from "../v5/apply-function.js";

/**
 * `tasker_read_models_apply(events json)` as of v5 (see there), but `task.published` also writes the
 * version's `description` and `params` to `task_function_versions`, so that every version (not only
 * the current one) shows its documentation. Written as v5's text with this edit.
 */
export const createApplyFunction = amendedSql("v6", createV5ApplyFunction, [
  [
    `INSERT INTO task_function_versions (namespace, name, version, code, uses, published_at)
      VALUES (coalesce(d.namespace, 'default'), d.name, d.version, d.code, coalesce(d.uses, '[]'), e.recorded_at)`,
    `INSERT INTO task_function_versions (namespace, name, version, code, uses, description, params, published_at)
      VALUES (coalesce(d.namespace, 'default'), d.name, d.version, d.code, coalesce(d.uses, '[]'), d.description, d.params, e.recorded_at)`,
  ],
]);
