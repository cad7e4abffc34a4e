import { z } from "zod";
import { findUnstorableJson } from "./api/storable-json.js";
import { MAX_ERROR_CAUSE_DEPTH, MAX_ERROR_CODE_CHARS, MAX_ERROR_DETAILS_BYTES, MAX_ERROR_MESSAGE_CHARS, MAX_ERROR_NAME_CHARS, MAX_ERROR_STACK_CHARS } from "./bounds.js";

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

/** An error's own JSON-able properties, by name. */
export type ErrorDetails = { [key: string]: JsonValue };

/** UTF-8 bytes of the JSON of `value` (a JSON value). */
export function jsonBytes(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value)).byteLength;
}

/** A storable JSON object of at most `MAX_ERROR_DETAILS_BYTES` of JSON. */
const ErrorDetails = z
  .custom<ErrorDetails>((value) => typeof value === "object" && value !== null && !Array.isArray(value), { message: "must be a JSON object" })
  .superRefine((value, context) => {
    const problem = findUnstorableJson(value);
    if (problem) context.addIssue({ code: "custom", message: problem.message, path: [...problem.path] });
    else if (jsonBytes(value) > MAX_ERROR_DETAILS_BYTES) context.addIssue({ code: "custom", message: `must be at most ${MAX_ERROR_DETAILS_BYTES} bytes of JSON` });
  });

/**
 * An error as it crosses a process or sandbox boundary: by `code`, never by class. `code` is a
 * non-empty string or a finite number (a task's own numeric code keeps its type); `details` holds the
 * error's own JSON-able properties; `cause` is the error's cause in the same shape, at most
 * `MAX_ERROR_CAUSE_DEPTH` levels deep. Bounded, so that an error always fits an event (the sandbox
 * turns a longer code or message into `ERROR_TOO_LARGE`, and cuts the rest). `name` is absent only in
 * errors recorded before every error had one (read them as `Error`).
 */
export type ErrorInfo = {
  code: string | number;
  message: string;
  name?: string;
  stack?: string;
  cause?: ErrorInfo;
  details?: ErrorDetails;
};

const ErrorInfoFields: z.ZodType<ErrorInfo> = z.object({
  code: z.union([z.string().min(1).max(MAX_ERROR_CODE_CHARS), z.number()]),
  message: z.string().max(MAX_ERROR_MESSAGE_CHARS),
  name: z.string().max(MAX_ERROR_NAME_CHARS).optional(),
  stack: z.string().max(MAX_ERROR_STACK_CHARS).optional(),
  get cause() {
    return ErrorInfo.optional();
  },
  details: ErrorDetails.optional(),
});

/** How many levels of `cause` lie below `value`, counting no further than one past the bound (iterative). */
function causeDepth(value: unknown): number {
  let depth = 0;
  for (let error = value; depth <= MAX_ERROR_CAUSE_DEPTH && typeof error === "object" && error !== null; depth++) {
    error = (error as { cause?: unknown }).cause;
    if (error === undefined) break;
  }
  return depth;
}

// The depth is checked before the fields, so that a hostile chain is refused before it is walked.
export const ErrorInfo: z.ZodType<ErrorInfo> = z
  .custom<unknown>((value) => causeDepth(value) <= MAX_ERROR_CAUSE_DEPTH, { message: `cause nests deeper than ${MAX_ERROR_CAUSE_DEPTH} levels` })
  .pipe(ErrorInfoFields);
