import { resolve } from "node:path";
import { DataSource, type MigrationInterface } from "typeorm";
import { oneSessionDriver } from "./one-session-pool.js";

export interface DatabaseOptions {
  /**
   * `postgres://user@host:port/database`, or `pglite://<directory>` for the embedded PostgreSQL
   * (PGlite, in this process, data in the directory; one process only: for `tasker dev`). PGlite has
   * one session, lent to one connection at a time (`OneSessionPool`).
   */
  url: string;
  poolSize?: number;
  /** Every migration of every library the service uses (the event store's and its read models'). */
  migrations: (new () => MigrationInterface)[];
}

const EMBEDDED = "pglite://";

/** The data directory of an embedded database URL, or undefined for a server's. */
export function embeddedDataDir(url: string): string | undefined {
  return url.startsWith(EMBEDDED) ? resolve(url.slice(EMBEDDED.length) || ".tasker/pgdata") : undefined;
}

/** A TypeORM data source over `pg` (or PGlite). The schema comes only from migrations, never `synchronize`. */
export function createDataSource(options: DatabaseOptions): DataSource {
  const dataDir = embeddedDataDir(options.url);
  return new DataSource({
    type: "postgres",
    ...(dataDir ? { driver: oneSessionDriver(dataDir) } : { url: options.url }),
    synchronize: false,
    migrationsRun: false,
    migrations: options.migrations,
    extra: { max: options.poolSize ?? 10 },
    logging: false,
  });
}

// Any 64-bit constant: every instance of every service agrees on it.
const MIGRATION_LOCK = 7_415_118_632;

/**
 * Initialises the data source and runs pending migrations; instances of a server's database starting at
 * once take turns (an advisory lock). The embedded database has one process, so no lock: its one session,
 * held for the lock, would leave the migrations waiting for it forever.
 */
export async function openDatabase(options: DatabaseOptions): Promise<DataSource> {
  const dataSource = createDataSource(options);
  await dataSource.initialize();
  const migrate = () => dataSource.runMigrations({ transaction: "each" });
  await (embeddedDataDir(options.url) ? migrate() : withMigrationLock(dataSource, migrate));
  return dataSource;
}

async function withMigrationLock(dataSource: DataSource, migrate: () => Promise<unknown>): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    await migrate();
  } finally {
    await runner.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}
