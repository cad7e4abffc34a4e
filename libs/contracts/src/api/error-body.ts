import { z } from "zod";

/** The body of every error answer of the HTTP API. */
export const ApiErrorBody = z.object({
  error: z.object({
    /** Stable, machine-readable: `VALIDATION_FAILED`, `INVALID_JSON`, `TASK_NOT_FOUND`, ... */
    code: z.string(),
    /** What went wrong and what to do about it, for a person. */
    message: z.string(),
    /** The request part at fault: a dotted body path (`input.items.3`), a parameter, or `body`. */
    field: z.string().optional(),
  }),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;
