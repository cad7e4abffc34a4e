/**
 * The shapes the page reads, as the gateway answers them (the zod schemas of `@tasker/contracts`;
 * type-only imports, erased from the bundle).
 */
export type { RecordedEvent, TaskErrorView, TaskFunctionSummary, TaskRunLogLine, TaskRunStatus, TaskRunView } from "@tasker/contracts";
import type { TaskRunStatus } from "@tasker/contracts";

/** One run of `GET /tasks`. */
export interface TaskRunSummary {
  taskRunId: string;
  taskName: string;
  status: TaskRunStatus;
  createdAt: string;
  updatedAt: string;
  durationMs?: number;
}

/** `GET /tasks`: a page of runs, newest first. */
export interface TaskRunList {
  items: TaskRunSummary[];
  nextCursor?: string;
}

/** A stack run's status in `GET /tasks/:id/tree`. */
export type StackRunStatus = "pending" | "processing" | "suspended" | "completed" | "failed" | "cancelled";

/** One slice of VM execution of a stack run. */
export interface Activation {
  n: number;
  at: string;
  kind: "start" | "cache" | "replay";
  durationMs: number;
}

/** `GET /tasks/:id/tree`: a stack run and its calls, built from the run's events. */
export interface StackRunNode {
  stackRunId: string;
  parentStackRunId?: string | null;
  seq: number;
  service: string;
  method: string[];
  taskName?: string;
  status: StackRunStatus;
  createdAt: string;
  startedAt?: string;
  endedAt?: string;
  activations: Activation[];
  attempts: number;
  error?: { code: string | number; message: string };
  children: StackRunNode[];
}

/** `GET /task-functions/:name/versions`. */
export interface TaskFunctionVersionSummary {
  version: string;
  publishedAt: string;
  description: string;
}

/** `GET /task-functions/:name/versions/:version`. */
export interface TaskFunctionVersion {
  name: string;
  version: string;
  code: string;
  description: string;
  params: { name: string; type: string; description: string; optional: boolean }[];
  uses: string[];
}
