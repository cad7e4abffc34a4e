import type { JsonValue } from "@tasker/contracts";
import type { CallContext } from "@tasker/service-kit";
import type pg from "pg";
import { type BuiltQuery, buildSql, checkParts, columnsOf, type Statement } from "./build-sql.js";
import type { CallResults } from "./call-results.js";
import type { DatabaseConfig } from "./database-config.js";
import type { DatabaseQuery } from "./database-query.js";
import { schemaFor } from "./namespace-schema.js";
import { fromDatabaseError, noSuchTable, QueryError, type QueryErrorBody } from "./query-error.js";
import type { SchemaCatalog, TableInfo } from "./schema-catalog.js";

/** What the database service's methods work on: the data database's pool, its catalog, the record of write calls, the settings. */
export interface DatabaseClient {
  readonly pool: pg.Pool;
  readonly catalog: SchemaCatalog;
  readonly callResults: CallResults;
  readonly config: DatabaseConfig;
  /** Set when the tables cannot be reached by design (see `unreachableReason`): every call fails with it. */
  readonly unreachable?: string;
}

/**
 * A query's outcome as supabase-js resolves it: `data` (rows; one row or null for `single`; null
 * for a write without `.select()` and on error), `error` (null, or Postgres's code and words),
 * `count` (with `count: "exact"`, else null) and an HTTP-like `status`/`statusText` as PostgREST's.
 */
export interface QueryResult {
  readonly data: JsonValue;
  readonly error: QueryErrorBody | null;
  readonly count: number | null;
  readonly status: number;
  readonly statusText: string;
}

const STATUS_TEXT: Record<number, string> = { 200: "OK", 201: "Created", 204: "No Content", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 406: "Not Acceptable", 409: "Conflict" };

/** The call a query is run for: its run's namespace (whose schema holds the tables) and its id (`stack_run_id`). */
export type QueryCall = Pick<CallContext, "namespace" | "stackRunId">;

/**
 * Runs `query` for `call` on the tables of its namespace's schema (`schemaFor`). A write (insert,
 * update, upsert, delete) is exactly-once per `call.stackRunId`: when an earlier attempt of the call
 * committed, its result is answered again and nothing is written (`CallResults`). A query error resolves in
 * `error` (and writes nothing); a malformed query (`ServiceCallError` INVALID_ARGUMENT) or an unavailable database
 * (retryable NETWORK_ERROR/TIMEOUT, see `fromDatabaseError`) throws.
 */
export async function runQuery(client: DatabaseClient, query: DatabaseQuery, call: QueryCall): Promise<QueryResult> {
  try {
    return await execute(client, query, schemaFor(client.config.schema, call.namespace), call.stackRunId);
  } catch (error) {
    const outcome = error instanceof QueryError ? error : fromDatabaseError(error);
    if (outcome instanceof QueryError) return answer(null, outcome.body, null, outcome.status);
    throw outcome;
  }
}

/** SQLSTATEs of a value that does not fit its column's type (class 22, 42804): perhaps a type changed since the catalog was read. */
const TYPE_MISMATCH = /^(22|42804)/;

async function execute(client: DatabaseClient, query: DatabaseQuery, schema: string, stackRunId: string): Promise<QueryResult> {
  checkParts(query);
  const found = await client.catalog.table(schema, query.table);
  const info = found && (await client.catalog.withColumns(schema, query.table, found, columnsOf(query)));
  if (!info) throw noSuchTable(query.table);
  try {
    return await executeOn(client, query, schema, info, stackRunId);
  } catch (error) {
    // A migration may have changed a column's type since: a failed statement changed nothing, so run it once more on the table as it is now.
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code !== "string" || !TYPE_MISMATCH.test(code)) throw error;
    const changed = await client.catalog.changedSince(schema, query.table, info);
    if (changed === undefined) throw error;
    if (changed === null) throw noSuchTable(query.table);
    return executeOn(client, query, schema, changed, stackRunId);
  }
}

async function executeOn(client: DatabaseClient, query: DatabaseQuery, schema: string, info: TableInfo, stackRunId: string): Promise<QueryResult> {
  const built = buildSql(query, schema, info, client.config.maxRows);
  if (query.action !== "select") return client.callResults.once(schema, stackRunId, async (connection) => singleWrite(query, outcome(query, built, await run(connection, built.main), null)));
  const rows = await run(client.pool, built.main);
  const count = built.count ? Number((await run(client.pool, built.count))[0]?.["count"] ?? 0) : null;
  return outcome(query, built, rows, count);
}

/** The answer to `query` whose statement returned `rows` (and `count` when it asked for one). */
function outcome(query: DatabaseQuery, built: BuiltQuery, rows: Record<string, JsonValue>[], count: number | null): QueryResult {
  const success = query.action === "insert" || query.action === "upsert" ? 201 : built.returnsRows ? 200 : 204;
  if (!built.returnsRows) return answer(null, null, count, success);
  if (query.single === undefined) return answer(rows, null, count, success);
  if (rows.length === 1 || (rows.length === 0 && query.single === "maybe")) return answer(rows[0] ?? null, null, count, success);
  const body = { code: "PGRST116", message: "JSON object requested, multiple (or no) rows returned", details: `The result contains ${rows.length} rows`, hint: null };
  return answer(null, body, count, 406);
}

/**
 * A write's `answer`, or a throw (`QueryError`, resolved the same) that rolls the write back when
 * `single()` found 0 or several rows: PostgREST checks a singular write before it commits.
 * `maybeSingle()` keeps the write, as supabase-js counts its rows only after the response.
 */
function singleWrite(query: DatabaseQuery, answer: QueryResult): QueryResult {
  if (query.single === "one" && answer.error !== null) throw new QueryError(answer.error, answer.status);
  return answer;
}

/** The rows of `statement`, as JSON (a timestamp as its ISO text). */
async function run(pool: pg.Pool | pg.PoolClient, statement: Statement): Promise<Record<string, JsonValue>[]> {
  const result = await pool.query(statement.sql, [...statement.bindings]);
  return JSON.parse(JSON.stringify(result.rows ?? [])) as Record<string, JsonValue>[];
}

function answer(data: JsonValue, error: QueryErrorBody | null, count: number | null, status: number): QueryResult {
  return { data, error, count, status, statusText: STATUS_TEXT[status] ?? "" };
}
