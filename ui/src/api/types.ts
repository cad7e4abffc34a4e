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
  TaskFunctionVersionSummary,
  TaskFunctionVersionView,
  TaskRunList,
  TaskRunLogLine,
  TaskRunStatus,
  TaskRunSummary,
  TaskRunView,
} from "@tasker/contracts";
