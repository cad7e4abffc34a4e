import { sqlOf } from "@tasker/event-store";
import type { DataSource } from "typeorm";

// Two-key advisory locks (class, hash) live apart from the one-key locks elsewhere (migrations).
export const TOKEN_LOCK_CLASS = 0x6761_7069; // "gapi"
const CREATE_LOCK = 0;

/**
 * Creates `gapi_tokens` when missing: one sealed access token per cache key. Instances starting at
 * once take turns (a bare `CREATE TABLE IF NOT EXISTS` may still collide on the catalog).
 */
export async function ensureTokenTable(dataSource: DataSource): Promise<void> {
  await dataSource.transaction(async (manager) => {
    const sql = sqlOf(manager.queryRunner!);
    await sql.rows("SELECT pg_advisory_xact_lock($1, $2)", [TOKEN_LOCK_CLASS, CREATE_LOCK]);
    await sql.rows(`CREATE TABLE IF NOT EXISTS gapi_tokens (
      key text PRIMARY KEY,
      sealed_token text NOT NULL,
      expires_at_ms bigint NOT NULL,
      minted_at timestamptz NOT NULL DEFAULT now()
    )`);
  });
}
