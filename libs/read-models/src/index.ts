import type { Projection } from "@tasker/event-store";

export { readModelMigrations } from "./migrations/index.js";

/**
 * Every read model: `task_functions` (latest version of each name) and `task_function_versions`
 * (every version's code), `task_runs` (status, result, what the root waits on) with `task_run_logs`,
 * the ephemeral `stack_runs` of unfinished runs, and the `timers` of their unsettled calls.
 */
export const readModelsProjection: Projection = {
  name: "read-models",
  tables: ["task_functions", "task_function_versions", "task_runs", "task_run_logs", "stack_runs", "timers"],
  applyFunction: "tasker_read_models_apply",
};
