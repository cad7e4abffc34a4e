import { z } from "zod";
import { findUnstorableJson } from "./api/storable-json.js";
import { MAX_ERROR_CODE_CHARS, MAX_ERROR_MESSAGE_CHARS, MAX_ERROR_NAME_CHARS, MAX_ERROR_STACK_CHARS } from "./bounds.js";

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * Any JSON value: what a task may take as input, return, or pass to a tool. Any string, `\u0000` and
 * unpaired surrogates included (values are stored as written). Checked iteratively (at most
 * `MAX_JSON_DEPTH` levels), so that no value can overflow a validator's stack; an issue names the path
 * of the offending part.
 */
export const JsonValue = z.custom<JsonValue>().superRefine((value, context) => {
  const problem = findUnstorableJson(value);
  if (problem) context.addIssue({ code: "custom", message: problem.message, path: [...problem.path] });
});

/**
 * An error as it crosses a process or sandbox boundary: by `code`, never by class. Bounded, so that
 * an error always fits an event (the sandbox turns a longer code or message into `ERROR_TOO_LARGE`).
 */
export const ErrorInfo = z.object({
  code: z.string().min(1).max(MAX_ERROR_CODE_CHARS),
  message: z.string().max(MAX_ERROR_MESSAGE_CHARS),
  name: z.string().max(MAX_ERROR_NAME_CHARS).optional(),
  stack: z.string().max(MAX_ERROR_STACK_CHARS).optional(),
});
export type ErrorInfo = z.infer<typeof ErrorInfo>;
