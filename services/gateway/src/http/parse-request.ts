import { ValidationError } from "@tasker/contracts";
import type { z } from "zod";

/**
 * Parses a request part with its zod schema; a mismatch is a `ValidationError` naming the field
 * (`fieldOf` turns the issue's path into the name the client knows) with a message saying what is wrong.
 * `wholeMessage` replaces the message when the part as a whole is wrong (e.g. a missing body).
 */
export function parseRequest<T>(schema: z.ZodType<T>, value: unknown, fieldOf: (path: readonly PropertyKey[]) => string, wholeMessage?: string): T {
  const parsed = schema.safeParse(value, { error: (issue) => (issue.input === undefined ? "is required" : undefined) });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = fieldOf(issue.path);
  if (wholeMessage !== undefined && issue.path.length === 0) throw new ValidationError(wholeMessage, field);
  throw new ValidationError(`${field}: ${issue.message}`, field);
}
