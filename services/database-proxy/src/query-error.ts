import { ServiceCallError, ServiceCodes } from "@tasker/service-kit";

/** A query error as supabase-js resolves it in `error`: Postgres's SQLSTATE (or PostgREST's `PGRST...`) and its words. */
export interface QueryErrorBody {
  readonly code: string;
  readonly message: string;
  readonly details: string | null;
  readonly hint: string | null;
}

/**
 * A failure of the query itself (no such table or column, a constraint, a bad value): the call
 * completes, resolving `{data: null, error}` with HTTP-like `status` as PostgREST would answer.
 */
export class QueryError extends Error {
  constructor(
    readonly body: QueryErrorBody,
    readonly status: number,
  ) {
    super(body.message);
  }
}

export const noSuchTable = (table: string) => new QueryError({ code: "42P01", message: `relation "${table}" does not exist`, details: null, hint: "create it with a migration: tasker db migrate DIR" }, 404);
export const noSuchColumn = (table: string, column: string) => new QueryError({ code: "42703", message: `column ${table}.${column} does not exist`, details: null, hint: null }, 400);

/** SQLSTATEs (or their class, two characters) of a database that is down, busy or going away: worth another attempt. */
const TRANSIENT = ["08", "53", "57P01", "57P02", "57P03", "40001", "40P01"];

/** A pg client's connection failures that carry no SQLSTATE. */
const CONNECTION_LOST = /connection terminated|timeout exceeded when trying to connect|connection ended|Client was closed/i;

function statusOf(code: string): number {
  if (code === "42P01") return 404;
  if (code.startsWith("23")) return 409;
  if (code === "42501") return 403;
  return 400;
}

/**
 * What a query's execution threw, as the call's outcome: a SQLSTATE of a query error → `QueryError`
 * (resolved); a transient one, a statement timeout or a lost connection → a retryable
 * `NETWORK_ERROR`/`TIMEOUT` (rejected); anything else back as is (the kit classifies network codes).
 */
export function fromDatabaseError(error: unknown): unknown {
  const fields = (error ?? {}) as { code?: unknown; message?: unknown; detail?: unknown; hint?: unknown };
  const code = typeof fields.code === "string" ? fields.code : undefined;
  const message = typeof fields.message === "string" ? fields.message : String(error);
  if (code !== undefined && /^[0-9A-Z]{5}$/.test(code)) {
    if (code === "57014") return new ServiceCallError(ServiceCodes.TIMEOUT, `the database cancelled the statement: ${message}`, { retryable: true });
    if (TRANSIENT.some((prefix) => code.startsWith(prefix))) return new ServiceCallError(ServiceCodes.NETWORK_ERROR, `the database is unavailable (${code}): ${message}`, { retryable: true });
    const body = { code, message, details: typeof fields.detail === "string" ? fields.detail : null, hint: typeof fields.hint === "string" ? fields.hint : null };
    return new QueryError(body, statusOf(code));
  }
  if (code === undefined && CONNECTION_LOST.test(message)) return new ServiceCallError(ServiceCodes.NETWORK_ERROR, `the database connection failed: ${message}`, { retryable: true });
  return error;
}
