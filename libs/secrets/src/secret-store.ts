import { DEFAULT_NAMESPACE, ValidationError } from "@tasker/contracts";
import { pooledSql, type Sql, sqlOf } from "@tasker/event-store";
import type { DataSource } from "typeorm";
import type { MasterKeys } from "./master-keys-sealer.js";
import { SecretName, SecretValue } from "./secret-name.js";

/** A secret as listed: its name and when its value was last set. Never its value. */
export interface SecretEntry {
  readonly name: string;
  readonly updatedAt: Date;
}

export interface SecretStoreOptions {
  /** A data source whose migrations include `secretsMigrations`. Not owned: its opener closes it. */
  readonly dataSource: DataSource;
  /**
   * The master keys, asked for only when a value is sealed or unsealed, so that listing and deleting
   * work without them; `() => masterKeysFrom(config)` throws MASTER_KEY_MISSING there when unset.
   */
  readonly keys: () => MasterKeys;
  /** The namespace whose secrets `set`, `get`, `list` and `delete` see; `default` when left out. */
  readonly namespace?: string;
}

function checkName(name: unknown): string {
  const parsed = SecretName.safeParse(name);
  if (!parsed.success) throw new ValidationError(`name: ${parsed.error.issues[0]!.message}`, "name", "INVALID_SECRET_NAME");
  return parsed.data;
}

/**
 * Named secrets in the `secrets` table, sealed under the current master key: no plaintext is ever
 * written. Each store sees one namespace's secrets (another namespace's are as if they did not exist);
 * `rotate` re-seals every namespace's. Names are validated (ValidationError INVALID_SECRET_NAME, field
 * `name`); SecretsErrors come from the keys.
 */
export class SecretStore {
  private readonly sql: Sql;
  private readonly namespace: string;

  constructor(private readonly options: SecretStoreOptions) {
    this.sql = pooledSql(options.dataSource);
    this.namespace = options.namespace ?? DEFAULT_NAMESPACE;
  }

  /** The same store, seeing the secrets of `namespace` (a valid namespace name: the caller's to check). */
  inNamespace(namespace: string): SecretStore {
    return namespace === this.namespace ? this : new SecretStore({ ...this.options, namespace });
  }

  /** Creates or replaces the secret `name`, sealed under the current key. */
  async set(name: string, value: string): Promise<void> {
    checkName(name);
    const checked = SecretValue.safeParse(value);
    if (!checked.success) throw new ValidationError(`value: ${checked.error.issues[0]!.message}`, "value");
    const keys = this.options.keys();
    await this.sql.rows(
      `INSERT INTO secrets (namespace, name, sealed, key_id, updated_at) VALUES ($4, $1, $2, $3, now())
       ON CONFLICT (namespace, name) DO UPDATE SET sealed = EXCLUDED.sealed, key_id = EXCLUDED.key_id, updated_at = EXCLUDED.updated_at`,
      [name, keys.seal(value), keys.currentKeyId, this.namespace],
    );
  }

  /** The value of `name`, or undefined when there is none. Throws SecretsError when it cannot be unsealed. */
  async get(name: string): Promise<string | undefined> {
    checkName(name);
    const [row] = await this.sql.rows<{ sealed: string }>(`SELECT sealed FROM secrets WHERE namespace = $2 AND name = $1`, [name, this.namespace]);
    return row ? this.options.keys().unseal(row.sealed) : undefined;
  }

  /** Every secret's name (sorted by code point) and last update; never a value. */
  async list(): Promise<SecretEntry[]> {
    const rows = await this.sql.rows<{ name: string; updated_at: Date }>(
      `SELECT name, updated_at FROM secrets WHERE namespace = $1 ORDER BY name COLLATE "C"`,
      [this.namespace],
    );
    return rows.map((row) => ({ name: row.name, updatedAt: row.updated_at }));
  }

  /** Deletes `name`; false when there was none. */
  async delete(name: string): Promise<boolean> {
    checkName(name);
    const rows = await this.sql.rows(`DELETE FROM secrets WHERE namespace = $2 AND name = $1 RETURNING name`, [name, this.namespace]);
    return rows.length > 0;
  }

  /**
   * Re-seals under the current key every secret (of every namespace) sealed under another (readable with the previous
   * key), in one transaction: all or none. `rotated` counts the secrets re-sealed.
   * @throws SecretsError UNKNOWN_MASTER_KEY when one is under neither key (nothing is changed).
   */
  async rotate(): Promise<{ rotated: number }> {
    const keys = this.options.keys();
    return this.options.dataSource.transaction(async (manager) => {
      const sql = sqlOf(manager.queryRunner!);
      const stale = await sql.rows<{ namespace: string; name: string; sealed: string }>(
        `SELECT namespace, name, sealed FROM secrets WHERE key_id <> $1 ORDER BY namespace, name FOR UPDATE`,
        [keys.currentKeyId],
      );
      for (const row of stale) {
        await sql.rows(`UPDATE secrets SET sealed = $2, key_id = $3 WHERE name = $1 AND namespace = $4`, [
          row.name,
          keys.seal(keys.unseal(row.sealed)),
          keys.currentKeyId,
          row.namespace,
        ]);
      }
      return { rotated: stale.length };
    });
  }
}
