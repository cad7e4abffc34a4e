import { DataSource, type MigrationInterface } from "typeorm";

export interface DatabaseOptions {
  /** `postgres://user@host:port/database` */
  url: string;
  poolSize?: number;
  /** Every migration of every library the service uses (the event store's and its read models'). */
  migrations: (new () => MigrationInterface)[];
}

/** A TypeORM data source over `pg`. The schema comes only from migrations, never `synchronize`. */
export function createDataSource(options: DatabaseOptions): DataSource {
  return new DataSource({
    type: "postgres",
    url: options.url,
    synchronize: false,
    migrationsRun: false,
    migrations: options.migrations,
    extra: { max: options.poolSize ?? 10 },
    logging: false,
  });
}

// Any 64-bit constant: every instance of every service agrees on it.
const MIGRATION_LOCK = 7_415_118_632;

/** Initialises the data source and runs pending migrations; instances starting at once take turns. */
export async function openDatabase(options: DatabaseOptions): Promise<DataSource> {
  const dataSource = createDataSource(options);
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    await dataSource.runMigrations({ transaction: "each" });
  } finally {
    await runner.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
  return dataSource;
}
