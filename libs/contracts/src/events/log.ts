import { z } from "zod";
import { defineEvent } from "./define.js";

export const LogLevel = z.enum(["debug", "info", "warn", "error"]);
export type LogLevel = z.infer<typeof LogLevel>;

/** One line a task logged (`console.*`, `tools.log`). */
export const LogAppended = defineEvent(
  "log.appended",
  z.object({ stackRunId: z.uuid(), level: LogLevel, message: z.string(), at: z.iso.datetime() }),
);
export type LogAppended = z.infer<typeof LogAppended>;
