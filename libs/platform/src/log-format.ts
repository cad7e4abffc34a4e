import { Logger } from "@nestjs/common";
import type { TaskerConfig } from "./config.js";
import { JsonLogger } from "./json-logger.js";

/**
 * Makes every Nest logger of this process write in `format` (`TASKER_LOG_FORMAT`): `json` through a
 * `JsonLogger` naming `service`; `text` leaves Nest's human lines. Nest apps created afterwards with
 * a list of levels keep this logger, at their levels.
 */
export function useLogFormat(format: TaskerConfig["TASKER_LOG_FORMAT"], service: string): void {
  if (format === "json") Logger.overrideLogger(new JsonLogger(service));
}
