import { ValidationError } from "@tasker/contracts";
import type { z } from "zod";

/**
 * `env` read through `schema` (a zod object of variable names), empty variables counting as unset:
 * the parsed settings, or a `ValidationError` (`INVALID_CONFIGURATION`) naming the first variable that
 * is wrong and what it must be. The one way Tasker's processes read their configuration.
 */
export function readEnvironment<Schema extends z.ZodType>(schema: Schema, env: Record<string, string | undefined>): z.infer<Schema> {
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([, value]) => value !== "")));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = issue.path.join(".");
    throw new ValidationError(`invalid configuration: ${variable}: ${issue.message}`, variable, "INVALID_CONFIGURATION");
  }
  return parsed.data;
}
