import { createHash } from "node:crypto";
import pg from "pg";
import { type DataSource, QueryFailedError, type QueryRunner } from "typeorm";
import type { PostgresDriver } from "typeorm/driver/postgres/PostgresDriver.js";

/** The one thing projections and store operations need from a connection: run SQL, get rows. */
export interface Sql {
  /**
   * `prepared`: `text` is one of the few fixed statements run all the time (an append, a stream's
   * read), which the server may then keep parsed and planned on each connection (a named prepared
   * statement) and the client sends without its text. Never for a text built from values: each
   * distinct one would stay prepared on every connection.
   */
  rows<T = Record<string, unknown>>(text: string, params?: unknown[], prepared?: boolean): Promise<T[]>;
}

/** A `Sql` over a TypeORM query runner (and so inside whatever transaction the runner holds). */
export function sqlOf(runner: QueryRunner): Sql {
  return {
    async rows<T>(text: string, params?: unknown[]): Promise<T[]> {
      const result = await runner.query(text, params, true);
      return result.records as T[];
    },
  };
}

/**
 * A `Sql` that runs each statement on a pooled connection of the data source's `pg` pool, in its own
 * implicit transaction. Straight to the driver's pool: a query runner per statement costs more than
 * the statement itself on the append path. A `prepared` statement is a named one on PostgreSQL
 * (`statementName`): its parse and plan are kept per connection, a fifth of the server's CPU on
 * a run of short nested calls. The embedded database's session takes only text.
 */
export function pooledSql(dataSource: DataSource): Sql {
  const pool = (dataSource.driver as PostgresDriver).master as pg.Pool;
  const named = pool instanceof pg.Pool;
  return {
    async rows<T>(text: string, params?: unknown[], prepared = false): Promise<T[]> {
      try {
        const result = prepared && named ? await pool.query({ name: statementName(text), text, values: params }) : await pool.query(text, params);
        return result.rows as T[];
      } catch (error) {
        throw new QueryFailedError(text, params, error as Error);
      }
    },
  };
}

const names = new Map<string, string>();

/** The name of a prepared statement: one per text, the same in every process (a hash of the text). */
function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `tasker_${createHash("sha256").update(text).digest("hex").slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}
