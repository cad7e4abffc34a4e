import { Logger } from "@nestjs/common";
import pg from "pg";
import { CallResults } from "./call-results.js";
import { type DatabaseConfig, unreachableReason } from "./database-config.js";
import type { DatabaseClient } from "./run-query.js";
import { SchemaCatalog } from "./schema-catalog.js";
import { timeParser } from "./time-text.js";

const INT8_OID = 20;
const logger = new Logger("database-proxy");

/** A bigint as a JSON number while it is exact, as text beyond (as PostgREST cannot either). */
function parseInt8(text: string): number | string {
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : text;
}

/**
 * The data database's pool (`poolSize` connections, each statement cancelled after
 * `statementTimeoutMs`), its catalog and its record of write calls' results. A bigint is `parseInt8`'s; a date or time value is its text as
 * PostgREST writes it (`timeParser`). The pool connects lazily: a database down at start
 * fails calls (retryably), not the process; so does the embedded database, every call failing
 * INVALID_CONFIGURATION (`unreachable`).
 */
export async function openDatabaseClient(config: DatabaseConfig, poolSize: number, statementTimeoutMs: number): Promise<DatabaseClient> {
  const pool = new pg.Pool({
    connectionString: config.url,
    max: poolSize,
    statement_timeout: statementTimeoutMs,
    connectionTimeoutMillis: 10_000,
    types: { getTypeParser: ((oid: number, format?: string) => (oid === INT8_OID ? parseInt8 : (timeParser(oid) ?? pg.types.getTypeParser(oid, format as "text")))) as typeof pg.types.getTypeParser },
  });
  // An idle client's error (the server went away) must not crash the process; the next query reconnects.
  pool.on("error", (error) => logger.warn(`an idle connection to the tasks' database failed: ${error.message}`));
  const unreachable = unreachableReason(config);
  return { pool, catalog: new SchemaCatalog(pool), callResults: new CallResults(pool, config.callResultsDays), config, ...(unreachable !== undefined && { unreachable }) };
}
