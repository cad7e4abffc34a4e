import { Logger } from "@nestjs/common";
import { TaskerError } from "@tasker/contracts";
import { useLogFormat } from "./log-format.js";

/**
 * Logs why a process running `service` could not start, at level `fatal`, in the format the
 * environment's `TASKER_LOG_FORMAT` names — read from `env` itself, for the configuration may be what
 * failed: one JSON object on one line with `json`, else Nest's text line. The message is the error's;
 * the stack of an error that is not a `TaskerError` (an unexpected one) comes too (a field in JSON).
 */
export function logStartFailure(env: Record<string, string | undefined>, service: string, error: unknown): void {
  if (env["TASKER_LOG_FORMAT"] === "json") useLogFormat("json", service);
  const message = error instanceof Error ? error.message : String(error);
  const stack = error instanceof Error && !(error instanceof TaskerError) ? error.stack : undefined;
  new Logger("start").fatal(`${service} could not start: ${message}`, ...(stack ? [stack] : []));
}
