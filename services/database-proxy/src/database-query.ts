import { z } from "zod";

/** A filter's operators, as supabase-js names its builder methods. */
export const FILTER_OPS = ["eq", "neq", "gt", "gte", "lt", "lte", "like", "ilike", "in", "is"] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

const Column = z.string().min(1, "a column name cannot be empty").max(63, "a column name is at most 63 characters");
const Row = z.record(z.string(), z.json());

const Filter = z.discriminatedUnion("op", [
  z.object({ column: Column, op: z.enum(["eq", "neq", "gt", "gte", "lt", "lte"]), value: z.json() }).strict(),
  z.object({ column: Column, op: z.enum(["like", "ilike"]), value: z.string() }).strict(),
  z.object({ column: Column, op: z.literal("in"), value: z.array(z.json()).max(1000, "an in() list has at most 1000 values") }).strict(),
  z.object({ column: Column, op: z.literal("is"), value: z.union([z.null(), z.boolean()]) }).strict(),
]);

const Order = z.object({ column: Column, ascending: z.boolean(), nullsFirst: z.boolean().optional() }).strict();

/**
 * The one argument of `tools.database.query` (`tools.database`/`tools.supabase` builders send it when
 * awaited): plain JSON, so that a replay makes the same call.
 *
 * - `table`: the table's name in the run's schema (checked against the catalog).
 * - `action`: `select` | `insert` | `update` | `upsert` | `delete`.
 * - `columns`: `select`'s list (`"a,b"`, `"*"`); for a write, the columns returned (absent: none, `data: null`).
 * - `filters`: `[{column, op, value}]`, all must hold (`op` in `FILTER_OPS`; `in` takes an array, `is` null/true/false,
 *   `like`/`ilike` a pattern with `%` and `_`). Required (at least one) for `update` and `delete`.
 * - `order`: `[{column, ascending, nullsFirst?}]`, in order of precedence.
 * - `limit`, `offset`: rows (`range(from, to)` is `offset: from, limit: to - from + 1`).
 * - `single`: `"one"` (exactly one row, as `single()`) or `"maybe"` (`maybeSingle()`): `data` is that row.
 * - `values`: `update`'s new values; `rows`: `insert`/`upsert`'s rows (objects of column → JSON value).
 * - `onConflict`: `upsert`'s conflict columns (`"a,b"`; default the primary key); `ignoreDuplicates`: do nothing on conflict.
 * - `count`: `"exact"`: the result's `count` is the number of rows matching the filters (ignoring limit/offset).
 */
export const DatabaseQuery = z
  .object({
    table: z.string().min(1, "a table name cannot be empty").max(63, "a table name is at most 63 characters"),
    action: z.enum(["select", "insert", "update", "upsert", "delete"]),
    columns: z.string().max(4096).optional(),
    filters: z.array(Filter).max(100).optional(),
    order: z.array(Order).max(16).optional(),
    limit: z.number().int().min(0).optional(),
    offset: z.number().int().min(0).optional(),
    single: z.enum(["one", "maybe"]).optional(),
    values: Row.optional(),
    rows: z.array(Row).min(1, "insert at least one row").max(1000, "at most 1000 rows at once").optional(),
    onConflict: z.string().max(1024).optional(),
    ignoreDuplicates: z.boolean().optional(),
    count: z.literal("exact").optional(),
  })
  .strict();
export type DatabaseQuery = z.infer<typeof DatabaseQuery>;
export type QueryFilter = z.infer<typeof Filter>;

/** A select or write list `"a, b"` as names; `"*"` or empty: every column (undefined). */
export function columnList(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const names = text.split(",").map((name) => name.trim());
  if (names.length === 1 && (names[0] === "*" || names[0] === "")) return undefined;
  return names;
}
