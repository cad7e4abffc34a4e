import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import pg from "pg";
import { createCallResultsTable } from "./call-results.js";
import { MIGRATIONS_TABLE } from "./schema-catalog.js";

/** What `migrateSchema` did with one file. */
export interface MigrationOutcome {
  readonly name: string;
  readonly status: "applied" | "already applied";
}

/** A migration that cannot be applied: names the file, and says why (Postgres's message, or a changed file). */
export class MigrationError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}

interface Migration {
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

/** Strict: a byte that is not UTF-8 throws rather than becoming U+FFFD; a leading byte order mark is dropped. */
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** The text of migration `name`; throws `MigrationError` naming it when its bytes are not UTF-8. */
function utf8Text(name: string, bytes: Buffer): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new MigrationError(name, `${name} is not UTF-8 text: save it as UTF-8 (nothing was applied)`);
  }
}

async function migrationsIn(dir: string): Promise<Migration[]> {
  const names = (await readdir(dir, { withFileTypes: true })).filter((entry) => entry.isFile() && entry.name.endsWith(".sql")).map((entry) => entry.name);
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return Promise.all(
    names.map(async (name) => {
      const sql = utf8Text(name, await readFile(join(dir, name)));
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

/**
 * Applies the `*.sql` files of `dir` to `schema` of the database at `url` (the schema created when
 * missing), in file-name order, each once: each in its own transaction with `search_path` set to the
 * schema, recorded in `<schema>.tasker_migrations(name, checksum, applied_at)`; the schema's
 * `tasker_call_results` (exactly-once writes) is created too when missing. Migrates of the same
 * schema take turns (an advisory lock). `onFile` hears of each file as it is done. Throws
 * `MigrationError` naming the file when one fails (with Postgres's message; that file is rolled back,
 * the ones before it stay), when an applied file's content changed since, or when a file is not UTF-8
 * (before any file is applied; a leading byte order mark is skipped).
 */
export async function migrateSchema(url: string, schema: string, dir: string, onFile: (outcome: MigrationOutcome) => void = () => {}): Promise<MigrationOutcome[]> {
  const migrations = await migrationsIn(dir);
  const client = new pg.Client({ connectionString: url });
  // A connection the server drops fails the statement in flight, which names its file; without a
  // listener the same drop would also crash the process with pg's raw error.
  client.on("error", () => {});
  await client.connect();
  const quoted = client.escapeIdentifier(schema);
  const lockKey = `tasker_migrations:${schema}`;
  try {
    await client.query("SELECT pg_advisory_lock(hashtextextended($1, 0))", [lockKey]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoted}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${quoted}.${MIGRATIONS_TABLE} (name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    // Made here too, by the user who may create tables: the proxy's own user then needs no such right.
    await createCallResultsTable(client, schema);
    const applied = new Map((await client.query<{ name: string; checksum: string }>(`SELECT name, checksum FROM ${quoted}.${MIGRATIONS_TABLE}`)).rows.map((row) => [row.name, row.checksum]));
    const outcomes: MigrationOutcome[] = [];
    for (const migration of migrations) {
      const before = applied.get(migration.name);
      if (before !== undefined && before !== migration.checksum) {
        throw new MigrationError(migration.name, `${migration.name} was applied to ${schema} with other content (checksum ${before.slice(0, 12)}, now ${migration.checksum.slice(0, 12)}): an applied migration cannot change; add a new file`);
      }
      if (before === undefined) await apply(client, quoted, migration);
      const outcome: MigrationOutcome = { name: migration.name, status: before === undefined ? "applied" : "already applied" };
      outcomes.push(outcome);
      onFile(outcome);
    }
    return outcomes;
  } finally {
    await client.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [lockKey]).catch(() => undefined);
    await client.end();
  }
}

async function apply(client: pg.Client, quotedSchema: string, migration: Migration): Promise<void> {
  await client.query("BEGIN");
  try {
    await client.query(`SET LOCAL search_path TO ${quotedSchema}`);
    await client.query(migration.sql);
    await client.query(`INSERT INTO ${quotedSchema}.${MIGRATIONS_TABLE} (name, checksum) VALUES ($1, $2)`, [migration.name, migration.checksum]);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw new MigrationError(migration.name, `${migration.name} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
