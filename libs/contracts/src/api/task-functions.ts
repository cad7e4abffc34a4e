import { z } from "zod";
import { TaskName, TaskParam } from "../events/task.js";
import { StorableString } from "./storable-json.js";

/** `POST /task-functions`: publish a new version of a task function (or helper module). */
export const PublishTaskFunctionRequest = z.object({
  name: TaskName,
  /** The JavaScript source (ES module or CommonJS); its JSDoc gives the description and params. */
  code: StorableString.min(1, "must not be empty"),
  /** Overrides the JSDoc `@description` when given. */
  description: StorableString.optional(),
});
export type PublishTaskFunctionRequest = z.infer<typeof PublishTaskFunctionRequest>;

export const PublishTaskFunctionResponse = z.object({
  name: z.string(),
  /** SHA-256 (hex) of the code. */
  version: z.string(),
});
export type PublishTaskFunctionResponse = z.infer<typeof PublishTaskFunctionResponse>;

/** One entry of `GET /task-functions`: the current version of a task function. */
export const TaskFunctionSummary = z.object({
  name: z.string(),
  version: z.string(),
  description: z.string(),
  params: z.array(TaskParam),
});
export type TaskFunctionSummary = z.infer<typeof TaskFunctionSummary>;

export const TaskFunctionList = z.array(TaskFunctionSummary);
export type TaskFunctionList = z.infer<typeof TaskFunctionList>;
