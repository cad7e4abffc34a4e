import { Logger } from "@nestjs/common";
import pg from "pg";

/**
 * The table, in each namespace's schema, holding the result of each write call that committed:
 * `(stack_run_id text primary key, result json, at timestamptz)`. Not one of the tasks' tables.
 * `result` is `json`, not `jsonb`: a repeated call answers its rows with their keys in the order first answered.
 */
export const CALL_RESULTS_TABLE = "tasker_call_results";

/** At most one prune of a schema's call results per this many ms per process. */
const PRUNE_EVERY_MS = 3_600_000;

const logger = new Logger("database-proxy");

/**
 * Creates `schema`'s `CALL_RESULTS_TABLE` when it has none (`tasker db migrate` does, and the proxy on
 * its first write to a schema); creators racing are fine. Only a missing table needs the right to
 * create in the schema: an existing one is looked up first, as `CREATE TABLE IF NOT EXISTS` asks for
 * that right even when the table exists, and the proxy's user may well lack it.
 */
export async function createCallResultsTable(db: pg.Pool | pg.ClientBase, schema: string): Promise<void> {
  const table = `${pg.escapeIdentifier(schema)}.${CALL_RESULTS_TABLE}`;
  if ((await db.query<{ present: boolean }>("SELECT to_regclass($1) IS NOT NULL AS present", [table])).rows[0]!.present) return;
  await db.query(`CREATE TABLE IF NOT EXISTS ${table} (stack_run_id text PRIMARY KEY, result json, at timestamptz NOT NULL DEFAULT now())`).catch((error: { code?: unknown }) => {
    // Two creators at once: the loser's IF NOT EXISTS may still collide on the catalog's unique index.
    if (error.code !== "23505" && error.code !== "42P07") throw error;
  });
}

/** The claim found the table gone (dropped since this process created it): create it again and claim once more. */
class TableGone extends Error {}

/**
 * Makes each write call exactly-once, as DBOS does for its transactions: the write and its result's
 * record commit together, in one transaction on one pooled connection. A call whose result is
 * recorded (an earlier attempt committed, its answer lost) answers that result and writes nothing.
 * Results older than `retentionDays` are pruned, at most hourly per schema, off the call's path.
 */
export class CallResults {
  private readonly created = new Map<string, Promise<void>>();
  private readonly prunedAtMs = new Map<string, number>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly retentionDays: number,
  ) {}

  /**
   * Runs `write` (on the transaction's connection) for call `stackRunId` in `schema` unless that call's
   * write already committed, and answers its result: the new one, or the one recorded. A concurrent
   * attempt of the same call waits for this one to end (the primary key's lock), then answers this one's
   * result. When `write` throws, everything rolls back, the claim included, and the error is rethrown:
   * a retry runs the write again (and meets the same error). Database failures are thrown as pg's errors.
   */
  async once<T>(schema: string, stackRunId: string, write: (connection: pg.PoolClient) => Promise<T>): Promise<T> {
    await this.create(schema);
    this.pruneLater(schema);
    try {
      return await this.transaction(schema, stackRunId, write);
    } catch (error) {
      if (!(error instanceof TableGone)) throw error;
      this.created.delete(schema);
      await this.create(schema);
      return this.transaction(schema, stackRunId, write);
    }
  }

  private async transaction<T>(schema: string, stackRunId: string, write: (connection: pg.PoolClient) => Promise<T>): Promise<T> {
    const table = `${pg.escapeIdentifier(schema)}.${CALL_RESULTS_TABLE}`;
    const connection = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await connection.query("BEGIN");
      const recorded = await this.claim(connection, table, stackRunId);
      if (recorded !== null) {
        await connection.query("ROLLBACK");
        return recorded as T;
      }
      const result = await write(connection);
      await connection.query(`UPDATE ${table} SET result = $2 WHERE stack_run_id = $1`, [stackRunId, JSON.stringify(result)]);
      await connection.query("COMMIT");
      return result;
    } catch (error) {
      await connection.query("ROLLBACK").catch((failure: Error) => (broken = failure));
      throw error;
    } finally {
      // A connection that cannot even roll back is lost: the pool drops it rather than lend it again.
      connection.release(broken);
    }
  }

  /**
   * Claims the call: null when this transaction now holds it, else the result recorded by the
   * attempt that committed it. `DO UPDATE` (a no-op) rather than `DO NOTHING`: it waits for a
   * concurrent claim to end and, in the same statement, returns the row that attempt committed.
   */
  private async claim(connection: pg.PoolClient, table: string, stackRunId: string): Promise<unknown> {
    const sql = `INSERT INTO ${table} AS t (stack_run_id) VALUES ($1) ON CONFLICT (stack_run_id) DO UPDATE SET at = t.at RETURNING result`;
    try {
      return (await connection.query<{ result: unknown }>(sql, [stackRunId])).rows[0]!.result;
    } catch (error) {
      if ((error as { code?: unknown }).code === "42P01") throw new TableGone(`${table} is gone`);
      throw error;
    }
  }

  /** Creates the schema's table when missing, once per schema per process (a failure is tried again next call). */
  private create(schema: string): Promise<void> {
    const known = this.created.get(schema);
    if (known) return known;
    const creating = createCallResultsTable(this.pool, schema);
    this.created.set(schema, creating);
    creating.catch(() => this.created.delete(schema));
    return creating;
  }

  /** Deletes the schema's results older than the retention, in the background, at most once an hour; a failure is logged. */
  private pruneLater(schema: string): void {
    const now = Date.now();
    if (now - (this.prunedAtMs.get(schema) ?? -Infinity) < PRUNE_EVERY_MS) return;
    this.prunedAtMs.set(schema, now);
    this.pool
      .query(`DELETE FROM ${pg.escapeIdentifier(schema)}.${CALL_RESULTS_TABLE} WHERE at < now() - make_interval(days => $1)`, [this.retentionDays])
      .catch((error: Error) => logger.warn(`pruning ${schema}.${CALL_RESULTS_TABLE} failed (tried again in an hour): ${error.message}`));
  }
}
