import { z } from "zod";
import { TaskName, TaskParam } from "../events/task.js";
import { StorableString } from "./storable-json.js";

/** The longest task name the API takes: names are subject tokens, and NATS bounds a subject's length. */
export const MAX_TASK_NAME_LENGTH = 200;

/** A task name as the API takes it: `TASK_NAME_PATTERN`, bounded in length. */
export const ApiTaskName = TaskName.max(MAX_TASK_NAME_LENGTH, `must be at most ${MAX_TASK_NAME_LENGTH} characters`);

/** `POST /task-functions`: publish a new version of a task function (or helper module). */
export const PublishTaskFunctionRequest = z.object({
  name: ApiTaskName,
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
  /** Its JSDoc's `@uses` entries, in the order written (`[]`: none, or published before `@uses` existed). */
  uses: z.array(z.string()),
});
export type TaskFunctionSummary = z.infer<typeof TaskFunctionSummary>;

export const TaskFunctionList = z.array(TaskFunctionSummary);
export type TaskFunctionList = z.infer<typeof TaskFunctionList>;

/** A version in a path (`/task-functions/:name/versions/:version`): the SHA-256 (hex) of its code, as publishing answered it. */
export const TaskVersionParam = z.string().regex(/^[0-9a-f]{64}$/, "must be a version: the SHA-256 of the code, 64 lower-case hex digits");

/** One entry of `GET /task-functions/:name/versions`: a published version, when it was first published, and its description. */
export const TaskFunctionVersionSummary = z.object({
  version: z.string(),
  publishedAt: z.iso.datetime(),
  description: z.string(),
});
export type TaskFunctionVersionSummary = z.infer<typeof TaskFunctionVersionSummary>;

/** `GET /task-functions/:name/versions`: every version of a task function, newest first. */
export const TaskFunctionVersionList = z.array(TaskFunctionVersionSummary);
export type TaskFunctionVersionList = z.infer<typeof TaskFunctionVersionList>;

/** `GET /task-functions/:name/versions/:version`: one version, with its code and what its JSDoc said. */
export const TaskFunctionVersionView = TaskFunctionSummary.extend({ code: z.string() });
export type TaskFunctionVersionView = z.infer<typeof TaskFunctionVersionView>;
