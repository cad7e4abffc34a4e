import { z } from "zod";

/** How deep a JSON value may nest: deeper input is refused before any recursive code walks it. */
export const MAX_JSON_DEPTH = 64;

/** Why a value cannot be stored, and where (a dotted path below the value). */
export interface StorableProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
  /** `depth`: nested too deep; `type`: not a JSON value. */
  readonly kind: "depth" | "type";
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNSTORABLE_CHARACTERS = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * `text` as PostgreSQL `text` stores it, for text meant to be read (a log line, a message): each
 * `\u0000` written as the six characters `\u0000`, so that what follows it stays, and each unpaired
 * surrogate replaced by one U+FFFD.
 */
export function storableText(text: string): string {
  return text.replace(UNSTORABLE_CHARACTERS, (character) => (character === "\u0000" ? NUL_ESCAPE : "\uFFFD"));
}

/** What `storableText` writes for a `\u0000`: the six characters of its JSON escape. */
export const NUL_ESCAPE = "\\u0000";

/** Why PostgreSQL cannot store `text` (a `\u0000` or an unpaired surrogate), or undefined when it can. */
export function stringProblem(text: string): string | undefined {
  if (text.includes("\u0000")) return "contains the character \\u0000, which cannot be stored";
  if (LONE_SURROGATE.test(text)) return "contains an unpaired UTF-16 surrogate, which cannot be stored";
  return undefined;
}

/**
 * The first reason `value` (as `JSON.parse` made it) cannot be stored: nesting deeper than
 * `MAX_JSON_DEPTH`, or a non-JSON value. Any string is fine, `\u0000` and unpaired surrogates
 * included: values are stored as written (`json`). Iterative, so hostile nesting cannot overflow the stack.
 */
export function findUnstorableJson(value: unknown): StorableProblem | undefined {
  const pending: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  for (let item = pending.pop(); item; item = pending.pop()) {
    const { value: current, path } = item;
    if (current === null || typeof current === "boolean") continue;
    if (typeof current === "number") {
      if (!Number.isFinite(current)) return { path, message: "is not a finite number", kind: "type" };
      continue;
    }
    if (typeof current === "string") continue;
    if (typeof current !== "object") return { path, message: `is a ${typeof current}, not JSON`, kind: "type" };
    if (path.length >= MAX_JSON_DEPTH) return { path, message: `nests deeper than ${MAX_JSON_DEPTH} levels`, kind: "depth" };
    const entries: [string | number, unknown][] = Array.isArray(current) ? current.map((child, index) => [index, child]) : Object.entries(current);
    for (const [key, child] of entries.reverse()) pending.push({ value: child, path: [...path, key] });
  }
  return undefined;
}

/** Any JSON value, at most `MAX_JSON_DEPTH` levels deep; an issue names the path of the offending part. */
export const StorableJson = z
  .unknown()
  .superRefine((value, context) => {
    const problem = findUnstorableJson(value);
    if (problem) context.addIssue({ code: "custom", message: problem.message, path: [...problem.path] });
  })
  .meta({ description: "any JSON value (at most 64 levels deep)" });

/** A string that PostgreSQL `text` accepts (a name, a key, a reason): no `\u0000`, no unpaired surrogate. */
export const StorableString = z.string().refine((text) => stringProblem(text) === undefined, {
  message: "must not contain \\u0000 or an unpaired UTF-16 surrogate",
});
