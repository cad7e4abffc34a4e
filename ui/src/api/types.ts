/**
 * The shapes the page reads, as the gateway answers them (the zod schemas of `@tasker/contracts`;
 * type-only imports, erased from the bundle).
 */
export type {
  ActivationView,
  RecordedEvent,
  StackRunTreeNode,
  TaskErrorView,
  TaskFunctionSummary,
  TaskRunList,
  TaskRunLogLine,
  TaskRunSummary,
  TaskRunView,
} from "@tasker/contracts";
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
