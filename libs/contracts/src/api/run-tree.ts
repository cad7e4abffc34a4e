import { z } from "zod";
import { TaskErrorView } from "./tasks.js";

/** How a stack run's VM was got for one activation: a new one, the executor's cached one, or one rebuilt by replaying the journal. */
export const ActivationKind = z.enum(["start", "cache", "replay"]);
export type ActivationKind = z.infer<typeof ActivationKind>;

/** One activation of a task's stack run: its number (1, 2, ...), when it began, how its VM was got, and its wall time in the sandbox. */
export const ActivationView = z.object({
  n: z.int().positive(),
  at: z.iso.datetime(),
  kind: ActivationKind,
  durationMs: z.number().nonnegative(),
});
export type ActivationView = z.infer<typeof ActivationView>;

/** Where a stack run is: created and not taken, running, waiting on its calls, or over. */
export const StackRunTreeStatus = z.enum(["pending", "processing", "suspended", "completed", "failed", "cancelled"]);
export type StackRunTreeStatus = z.infer<typeof StackRunTreeStatus>;

/**
 * One stack run of `GET /tasks/:taskRunId/tree`, with its calls as `children` (by `seq`). Built from
 * the run's events, so it outlives the ephemeral `stack_runs` rows. `taskName`: the task a `tasks`
 * call runs; `startedAt`: first taken by a worker; `endedAt`: settled (or its run cancelled);
 * `activations`: a task's VM slices (empty for other services' calls); `attempts`: times a worker took
 * it (a wrapped service's retries, a task taken again after its worker was lost).
 */
export type StackRunTreeNode = {
  stackRunId: string;
  parentStackRunId: string | null;
  seq: number | null;
  service: string;
  method: string[];
  taskName?: string;
  status: StackRunTreeStatus;
  createdAt: string;
  startedAt?: string;
  endedAt?: string;
  activations: ActivationView[];
  attempts: number;
  error?: TaskErrorView;
  children: StackRunTreeNode[];
};
export const StackRunTreeNode: z.ZodType<StackRunTreeNode> = z.object({
  stackRunId: z.uuid(),
  parentStackRunId: z.uuid().nullable(),
  seq: z.int().nonnegative().nullable(),
  service: z.string(),
  method: z.array(z.string()),
  taskName: z.string().optional(),
  status: StackRunTreeStatus,
  createdAt: z.iso.datetime(),
  startedAt: z.iso.datetime().optional(),
  endedAt: z.iso.datetime().optional(),
  activations: z.array(ActivationView),
  attempts: z.int().nonnegative(),
  error: TaskErrorView.optional(),
  get children() {
    return z.array(StackRunTreeNode);
  },
});
