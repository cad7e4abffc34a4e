import { amendedSql } from "../amended-sql.js";
import { createApplyFunction as createV4ApplyFunction } from "../v4/apply-function.js";

/**
 * `tasker_read_models_apply(events json)` as of v4 (see there), but `task.published` also writes its
 * `uses` (`[]` when the event has none, as those recorded before `@uses`) to `task_functions` and
 * `task_function_versions`. Written as v4's text with these edits.
 */
export const createApplyFunction = amendedSql("v5", createV4ApplyFunction, [
  [`description text, params json,`, `description text, params json, uses json,`],
  [
    `INSERT INTO task_function_versions (namespace, name, version, code, published_at)
      VALUES (coalesce(d.namespace, 'default'), d.name, d.version, d.code, e.recorded_at)`,
    `INSERT INTO task_function_versions (namespace, name, version, code, uses, published_at)
      VALUES (coalesce(d.namespace, 'default'), d.name, d.version, d.code, coalesce(d.uses, '[]'), e.recorded_at)`,
  ],
  [
    `INSERT INTO task_functions (namespace, name, version, description, params, published_at)
      VALUES (coalesce(d.namespace, 'default'), d.name, d.version, d.description, d.params, e.recorded_at)`,
    `INSERT INTO task_functions (namespace, name, version, description, params, uses, published_at)
      VALUES (coalesce(d.namespace, 'default'), d.name, d.version, d.description, d.params, coalesce(d.uses, '[]'), e.recorded_at)`,
  ],
  [`params = EXCLUDED.params,`, `params = EXCLUDED.params, uses = EXCLUDED.uses,`],
]);
