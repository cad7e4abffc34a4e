import type { DataSource, QueryRunner } from "typeorm";

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

/** A `Sql` that takes a pooled connection for each statement and gives it back. */
export function pooledSql(dataSource: DataSource): Sql {
  return {
    async rows<T>(text: string, params?: unknown[]): Promise<T[]> {
      const runner = dataSource.createQueryRunner();
      try {
        return await sqlOf(runner).rows<T>(text, params);
      } finally {
        await runner.release();
      }
    },
  };
}
