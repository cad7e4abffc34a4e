import { z } from "zod";

/** Any JSON value: what a task may take as input, return, or pass to a tool. */
export const JsonValue = z.json();
export type JsonValue = z.infer<typeof JsonValue>;

/** An error as it crosses a process or sandbox boundary: by `code`, never by class. */
export const ErrorInfo = z.object({
  code: z.string().min(1),
  message: z.string(),
  name: z.string().optional(),
  stack: z.string().optional(),
});
export type ErrorInfo = z.infer<typeof ErrorInfo>;
