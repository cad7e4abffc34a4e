import { readEnvironment } from "@tasker/platform";
import { embeddedDataDir } from "@tasker/event-store";
import { z } from "zod";

const Environment = z.object({
  /** The schema of namespace `default`'s tables; other namespaces' are derived from it (`schemaFor`). */
  TASKER_DATA_SCHEMA: z
    .string()
    .max(40, "must be at most 40 characters (a namespace's schema adds to it)")
    .regex(/^[a-z_][a-z0-9_]*$/, "must be lowercase letters, digits and '_', not starting with a digit")
    // Tasks would read every table there: the event store's (secrets, api_keys, events) or PostgreSQL's catalog.
    .refine((schema) => schema !== "public" && schema !== "information_schema" && !schema.startsWith("pg_"), "must be a schema of the tasks' own, not public (the event store's), information_schema or pg_*")
    .default("task_data"),
  /** The database of the tasks' tables; unset, the event store's (`DATABASE_URL`). */
  TASKER_DATA_DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL").optional(),
  /** Most rows one select returns (a larger `limit` is cut to it, as PostgREST's db-max-rows). */
  DATABASE_MAX_ROWS: z.coerce.number().int().min(1).default(1000),
  /** Days a write call's result is kept (`tasker_call_results`), answering a retry of that call: far longer than any retry waits. */
  DATABASE_CALL_RESULTS_DAYS: z.coerce.number().int().min(1).default(7),
});

/** The database service's settings, read from the environment by `loadDatabaseConfig`. */
export interface DatabaseConfig {
  readonly schema: string;
  readonly url: string;
  readonly maxRows: number;
  /** Days a committed write call's result is kept for a retry of that call to answer (`CallResults`). */
  readonly callResultsDays: number;
}

/**
 * Reads and validates the database service's settings (empty variables count as unset), the data
 * database defaulting to `databaseUrl`; a bad value throws a `ValidationError` (`INVALID_CONFIGURATION`) naming the variable.
 */
export function loadDatabaseConfig(databaseUrl: string, env: Record<string, string | undefined> = process.env): DatabaseConfig {
  const parsed = readEnvironment(Environment, env);
  return { schema: parsed.TASKER_DATA_SCHEMA, url: parsed.TASKER_DATA_DATABASE_URL ?? databaseUrl, maxRows: parsed.DATABASE_MAX_ROWS, callResultsDays: parsed.DATABASE_CALL_RESULTS_DAYS };
}

/**
 * Why the tasks' tables cannot be reached at `config.url`, or undefined when they can: the embedded
 * database (`pglite://`, `tasker dev` without PostgreSQL) lives inside one process and has no server.
 */
export function unreachableReason(config: DatabaseConfig): string | undefined {
  if (embeddedDataDir(config.url) === undefined) return undefined;
  return "tools.database needs a PostgreSQL server, and the database is the embedded one (pglite://): set TASKER_DATA_DATABASE_URL to a postgres:// URL";
}
