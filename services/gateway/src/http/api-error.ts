import { TaskerError } from "@tasker/contracts";

/**
 * An error the HTTP API answers as is: `status` with `{error: {code, message, field?}}`. Raised where
 * the cause is known, so the message can say what to do about it.
 */
export class ApiError extends TaskerError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
    readonly field?: string,
  ) {
    super(code, message, status >= 500 ? "retryable" : "validation");
  }
}

export function runNotFound(taskRunId: string): ApiError {
  return new ApiError(404, "TASK_RUN_NOT_FOUND", `no task run ${taskRunId}`, "taskRunId");
}

export function taskNotFound(name: string): ApiError {
  return new ApiError(404, "TASK_NOT_FOUND", `no task function named "${name}" was published`, "name");
}

export function taskVersionNotFound(name: string, version: string): ApiError {
  return new ApiError(404, "TASK_VERSION_NOT_FOUND", `task function "${name}" has no version ${version}`, "version");
}
