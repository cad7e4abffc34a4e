import { z } from "zod";
import { TASK_NAME_PATTERN } from "../ids.js";
import { Namespace } from "../namespace.js";
import { defineEvent } from "./define.js";

export const TaskName = z.string().regex(TASK_NAME_PATTERN, "a task name is letters, digits, '-', '_' and '/'");

export const TaskParam = z.object({
  name: z.string().min(1),
  type: z.string(),
  description: z.string(),
  optional: z.boolean(),
});
export type TaskParam = z.infer<typeof TaskParam>;

/**
 * A new immutable version of a task function; the name now points at it, in its namespace (absent:
 * `default`, as before namespaces). The same name in two namespaces is two independent functions.
 */
export const TaskPublished = defineEvent(
  "task.published",
  z.object({
    namespace: Namespace.optional(),
    name: TaskName,
    /** SHA-256 (hex) of `code`. */
    version: z.string().regex(/^[\da-f]{64}$/, "a version is the SHA-256 hex of the code"),
    code: z.string().min(1),
    description: z.string(),
    params: z.array(TaskParam),
    /**
     * The JSDoc's `@uses` entries (`openai`, `keystore:openai-api-key`, `database:notes`...): what the
     * task may call with `TASKER_ENFORCE_USES` on. Absent in events recorded before it: none.
     */
    uses: z.array(z.string()).optional(),
  }),
);
export type TaskPublished = z.infer<typeof TaskPublished>;
