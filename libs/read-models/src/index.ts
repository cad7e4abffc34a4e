import type { Projection } from "@tasker/event-store";
import { stackRunsProjection } from "./projections/stack-runs.projection.js";
import { taskFunctionsProjection } from "./projections/task-functions.projection.js";
import { taskRunsProjection } from "./projections/task-runs.projection.js";

export { readModelMigrations } from "./migrations/index.js";
export { stackRunsProjection, taskFunctionsProjection, taskRunsProjection };

/** Every read model, in the order they must apply: task runs read the stack runs of the same batch. */
export const readModelProjections: readonly Projection[] = [taskFunctionsProjection, stackRunsProjection, taskRunsProjection];
