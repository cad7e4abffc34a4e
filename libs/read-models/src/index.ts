import type { Projection } from "@tasker/event-store";

export { readModelMigrations } from "./migrations/index.js";

/**
 * Every read model: `task_functions` (latest version of each name) and `task_function_versions`
 * (every version's code), `task_runs` (status, result, what the root waits on) with `task_run_logs`,
 * and the ephemeral `stack_runs` of unfinished runs.
 */
export const readModelsProjection: Projection = {
  name: "read-models",
  tables: ["task_functions", "task_function_versions", "task_runs", "task_run_logs", "stack_runs"],
  applyFunction: "tasker_read_models_apply",
};
