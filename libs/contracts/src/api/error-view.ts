import type { ErrorInfo } from "../json.js";
import type { TaskErrorView } from "./tasks.js";

/**
 * The API's form of a recorded error: every level named (errors recorded before every error had a
 * name are `Error`s; `name` overrides the top level's, e.g. a cancelled run's `CancelledError`).
 */
export function toErrorView(error: ErrorInfo, name = error.name ?? "Error"): TaskErrorView {
  return {
    code: error.code,
    message: error.message,
    name,
    ...(error.stack ? { stack: error.stack } : {}),
    ...(error.cause ? { cause: toErrorView(error.cause) } : {}),
    ...(error.details ? { details: error.details } : {}),
  };
}
