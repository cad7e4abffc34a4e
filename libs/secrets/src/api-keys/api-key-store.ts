import { createHash, randomBytes } from "node:crypto";
import { type ApiKeyRole, newId } from "@tasker/contracts";
import { pooledSql, type Sql } from "@tasker/event-store";
import type { DataSource } from "typeorm";

/** An API key as stored: never the key itself. */
export interface ApiKeyRecord {
  readonly keyId: string;
  readonly namespace: string;
  readonly role: ApiKeyRole;
  readonly createdAt: Date;
  /** When it was revoked; null while it works. */
  readonly revokedAt: Date | null;
}

interface ApiKeyRow {
  key_id: string;
  namespace: string;
  role: ApiKeyRole;
  created_at: Date;
  revoked_at: Date | null;
}

const COLUMNS = "key_id, namespace, role, created_at, revoked_at";

/** What makes a key: `tsk_` and the base64url of 32 random bytes (256 bits). */
const KEY_PREFIX = "tsk_";

/** The SHA-256 (hex) of a key: what the table keeps, and looks a key up by. */
export function apiKeyHash(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

const toRecord = (row: ApiKeyRow): ApiKeyRecord => ({ keyId: row.key_id, namespace: row.namespace, role: row.role, createdAt: row.created_at, revokedAt: row.revoked_at });

/**
 * The gateway's API keys in `api_keys` (a data source whose migrations include `secretsMigrations`):
 * each of one namespace with one role, stored as its SHA-256 and looked up by it, so no key is kept
 * and no comparison depends on a key's characters. Namespaces and roles are the caller's to validate.
 */
export class ApiKeyStore {
  private readonly sql: Sql;

  constructor(dataSource: DataSource) {
    this.sql = pooledSql(dataSource);
  }

  /** A new key of `namespace` with `role`: its id and the key, which is not stored and cannot be shown again. */
  async create(namespace: string, role: ApiKeyRole): Promise<{ keyId: string; key: string }> {
    const keyId = newId();
    const key = `${KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
    await this.sql.rows(`INSERT INTO api_keys (key_id, key_hash, namespace, role) VALUES ($1, $2, $3, $4)`, [keyId, apiKeyHash(key), namespace, role]);
    return { keyId, key };
  }

  /** The key `key` is, revoked or not; undefined when no such key was made. */
  async find(key: string): Promise<ApiKeyRecord | undefined> {
    const [row] = await this.sql.rows<ApiKeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE key_hash = $1`, [apiKeyHash(key)]);
    return row && toRecord(row);
  }

  /** Every key (of `namespace` when given), oldest first. */
  async list(namespace?: string): Promise<ApiKeyRecord[]> {
    const rows = await this.sql.rows<ApiKeyRow>(
      `SELECT ${COLUMNS} FROM api_keys WHERE $1::text IS NULL OR namespace = $1 ORDER BY created_at, key_id`,
      [namespace ?? null],
    );
    return rows.map(toRecord);
  }

  /**
   * Revokes `keyId` (of `namespace` when given) from now on, if it was not already; answers the key
   * as it is now, or undefined when there is no such key (in `namespace`).
   */
  async revoke(keyId: string, namespace?: string): Promise<ApiKeyRecord | undefined> {
    const [row] = await this.sql.rows<ApiKeyRow>(
      `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now())
       WHERE key_id = $1 AND ($2::text IS NULL OR namespace = $2) RETURNING ${COLUMNS}`,
      [keyId, namespace ?? null],
    );
    return row && toRecord(row);
  }
}
