import type pg from "pg";
import { type DataSource, QueryFailedError, type QueryRunner } from "typeorm";
import type { PostgresDriver } from "typeorm/driver/postgres/PostgresDriver.js";

/** The one thing projections and store operations need from a connection: run SQL, get rows. */
export interface Sql {
  rows<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
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
 * the statement itself on the append path.
 */
export function pooledSql(dataSource: DataSource): Sql {
  const pool = (dataSource.driver as PostgresDriver).master as pg.Pool;
  return {
    async rows<T>(text: string, params?: unknown[]): Promise<T[]> {
      try {
        return (await pool.query(text, params)).rows as T[];
      } catch (error) {
        throw new QueryFailedError(text, params, error as Error);
      }
    },
  };
}
