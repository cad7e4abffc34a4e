import type { JsonValue } from "@tasker/contracts";
import { ServiceCallError, ServiceCodes } from "@tasker/service-kit";
import knexFactory, { type Knex } from "knex";
import { columnList, type DatabaseQuery, type QueryFilter } from "./database-query.js";
import { noSuchColumn, QueryError } from "./query-error.js";
import type { TableInfo } from "./schema-catalog.js";

/** knex as a query builder only (no connection): it quotes identifiers and numbers the parameters. */
const builder = knexFactory({ client: "pg" });

/** One parameterised statement: `$1`, `$2`... in `sql`, their values in `bindings`. */
export interface Statement {
  readonly sql: string;
  readonly bindings: readonly unknown[];
}

/** The statements of a query: `main`, `count` for a select with `count: "exact"`, and whether `main` returns rows. */
export interface BuiltQuery {
  readonly main: Statement;
  readonly count?: Statement;
  readonly returnsRows: boolean;
}

const COMPARISONS = { eq: "=", neq: "<>", gt: ">", gte: ">=", lt: "<", lte: "<=", like: "like", ilike: "ilike" } as const;

/** Every column name `query` uses: what `buildSql` needs the catalog to know. */
export function columnsOf(query: DatabaseQuery): string[] {
  return [
    ...(columnList(query.columns) ?? []),
    ...(query.filters ?? []).map((filter) => filter.column),
    ...(query.order ?? []).map((order) => order.column),
    ...Object.keys(query.values ?? {}),
    ...(query.rows ?? []).flatMap((row) => Object.keys(row)),
    ...(columnList(query.onConflict) ?? []),
  ];
}

/**
 * The SQL of `query` on `table` (described by `info`) in `schema`. Only names `info` holds reach the
 * SQL, quoted by knex; every value is a parameter. Throws `QueryError` (resolved: 42703 for an unknown
 * column, 21000 for an update or delete without a filter, 42P10 for an upsert with no conflict target)
 * or `ServiceCallError` INVALID_ARGUMENT for parts that do not fit the action. A select returns at most `maxRows` rows.
 */
export function buildSql(query: DatabaseQuery, schema: string, info: TableInfo, maxRows: number): BuiltQuery {
  const table = query.table;
  checkParts(query);
  for (const column of columnsOf(query)) if (!info.columns.has(column)) throw noSuchColumn(table, column);
  const from = () => builder.withSchema(schema).from(table);
  const returning = columnList(query.columns) ?? ["*"];
  const filtered = <T extends Knex.QueryBuilder>(statement: T): T => {
    for (const filter of query.filters ?? []) applyFilter(statement, filter, info);
    return statement;
  };
  switch (query.action) {
    case "select": {
      const statement = filtered(from().select(columnList(query.columns) ?? "*"));
      for (const order of query.order ?? []) statement.orderBy(order.column, order.ascending ? "asc" : "desc", order.nullsFirst === undefined ? undefined : order.nullsFirst ? "first" : "last");
      statement.limit(Math.min(query.limit ?? maxRows, maxRows));
      if (query.offset !== undefined) statement.offset(query.offset);
      const count = query.count === "exact" ? filtered(from().count({ count: "*" })) : undefined;
      return { main: native(statement), ...(count && { count: native(count) }), returnsRows: true };
    }
    case "insert":
    case "upsert": {
      const rows = query.rows!.map((row) => bound(row, info));
      let statement: Knex.QueryBuilder = from().insert(rows);
      if (query.action === "upsert") {
        const target = columnList(query.onConflict) ?? info.primaryKey;
        if (target.length === 0) throw new QueryError({ code: "42P10", message: `upsert into "${table}" needs onConflict: the table has no primary key`, details: null, hint: null }, 400);
        const conflict = from().insert(rows).onConflict([...target]);
        statement = query.ignoreDuplicates ? conflict.ignore() : conflict.merge();
      }
      return write(statement, query.columns === undefined ? undefined : returning);
    }
    case "update":
    case "delete": {
      if ((query.filters ?? []).length === 0) {
        const verb = query.action.toUpperCase();
        throw new QueryError({ code: "21000", message: `${verb} requires a WHERE clause`, details: `a ${query.action} without a filter would touch every row of "${table}"`, hint: "add a filter such as .eq(column, value)" }, 400);
      }
      const statement = filtered(query.action === "update" ? from().update(bound(query.values!, info)) : from().del());
      return write(statement, query.columns === undefined ? undefined : returning);
    }
  }
}

function write(statement: Knex.QueryBuilder, returning: string[] | undefined): BuiltQuery {
  if (returning !== undefined) statement.returning(returning);
  return { main: native(statement), returnsRows: returning !== undefined };
}

/** The parts each action takes. */
const ALLOWED: Record<DatabaseQuery["action"], readonly (keyof DatabaseQuery)[]> = {
  select: ["table", "action", "columns", "filters", "order", "limit", "offset", "single", "count"],
  insert: ["table", "action", "columns", "rows", "single"],
  upsert: ["table", "action", "columns", "rows", "onConflict", "ignoreDuplicates", "single"],
  update: ["table", "action", "columns", "values", "filters", "single"],
  delete: ["table", "action", "columns", "filters", "single"],
};

/** Throws INVALID_ARGUMENT (rejected), naming the part, for a part `query`'s action does not take or one it lacks. */
export function checkParts(query: DatabaseQuery): void {
  const allowed = ALLOWED[query.action];
  for (const key of Object.keys(query) as (keyof DatabaseQuery)[]) {
    if (!allowed.includes(key)) throw new ServiceCallError(ServiceCodes.INVALID_ARGUMENT, `the query (argument 1): ${key} does not apply to ${query.action}`);
  }
  if ((query.action === "insert" || query.action === "upsert") && query.rows === undefined) throw new ServiceCallError(ServiceCodes.INVALID_ARGUMENT, `the query (argument 1): rows: ${query.action} needs rows`);
  if (query.action === "update" && (query.values === undefined || Object.keys(query.values).length === 0)) throw new ServiceCallError(ServiceCodes.INVALID_ARGUMENT, "the query (argument 1): values: update needs at least one column's value");
}

function applyFilter(statement: Knex.QueryBuilder, filter: QueryFilter, info: TableInfo): void {
  const type = info.columns.get(filter.column)!;
  switch (filter.op) {
    case "in":
      statement.whereIn(filter.column, filter.value.map((value) => bindValue(type, value)) as Knex.Value[]);
      return;
    case "is":
      if (filter.value === null) statement.whereNull(filter.column);
      // In a WHERE, "= true" keeps the rows "IS TRUE" keeps (a null is kept by neither).
      else statement.where(filter.column, "=", filter.value);
      return;
    default:
      if (filter.value === null && (filter.op === "eq" || filter.op === "neq")) {
        if (filter.op === "eq") statement.whereNull(filter.column);
        else statement.whereNotNull(filter.column);
        return;
      }
      statement.where(filter.column, COMPARISONS[filter.op], bindValue(type, filter.value) as Knex.Value);
  }
}

/** A row's values as parameters: JSON for json/jsonb columns (pg would send an array as a Postgres array). */
function bound(row: Record<string, JsonValue>, info: TableInfo): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([column, value]) => [column, bindValue(info.columns.get(column)!, value)]));
}

function bindValue(type: string, value: JsonValue): unknown {
  return value !== null && (type === "json" || type === "jsonb") ? JSON.stringify(value) : value;
}

function native(statement: Knex.QueryBuilder): Statement {
  const { sql, bindings } = statement.toSQL().toNative();
  return { sql, bindings };
}
