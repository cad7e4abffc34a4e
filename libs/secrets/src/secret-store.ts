import { ValidationError } from "@tasker/contracts";
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
}

function checkName(name: unknown): string {
  const parsed = SecretName.safeParse(name);
  if (!parsed.success) throw new ValidationError(`name: ${parsed.error.issues[0]!.message}`, "name", "INVALID_SECRET_NAME");
  return parsed.data;
}

/**
 * Named secrets in the `secrets` table, sealed under the current master key: no plaintext is ever
 * written. Names are validated (ValidationError INVALID_SECRET_NAME, field `name`); SecretsErrors
 * come from the keys.
 */
export class SecretStore {
  private readonly sql: Sql;

  constructor(private readonly options: SecretStoreOptions) {
    this.sql = pooledSql(options.dataSource);
  }

  /** Creates or replaces the secret `name`, sealed under the current key. */
  async set(name: string, value: string): Promise<void> {
    checkName(name);
    const checked = SecretValue.safeParse(value);
    if (!checked.success) throw new ValidationError(`value: ${checked.error.issues[0]!.message}`, "value");
    const keys = this.options.keys();
    await this.sql.rows(
      `INSERT INTO secrets (name, sealed, key_id, updated_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (name) DO UPDATE SET sealed = EXCLUDED.sealed, key_id = EXCLUDED.key_id, updated_at = EXCLUDED.updated_at`,
      [name, keys.seal(value), keys.currentKeyId],
    );
  }

  /** The value of `name`, or undefined when there is none. Throws SecretsError when it cannot be unsealed. */
  async get(name: string): Promise<string | undefined> {
    checkName(name);
    const [row] = await this.sql.rows<{ sealed: string }>(`SELECT sealed FROM secrets WHERE name = $1`, [name]);
    return row ? this.options.keys().unseal(row.sealed) : undefined;
  }

  /** Every secret's name (sorted by code point) and last update; never a value. */
  async list(): Promise<SecretEntry[]> {
    const rows = await this.sql.rows<{ name: string; updated_at: Date }>(
      `SELECT name, updated_at FROM secrets ORDER BY name COLLATE "C"`,
    );
    return rows.map((row) => ({ name: row.name, updatedAt: row.updated_at }));
  }

  /** Deletes `name`; false when there was none. */
  async delete(name: string): Promise<boolean> {
    checkName(name);
    const rows = await this.sql.rows(`DELETE FROM secrets WHERE name = $1 RETURNING name`, [name]);
    return rows.length > 0;
  }

  /**
   * Re-seals under the current key every secret sealed under another (readable with the previous
   * key), in one transaction: all or none. `rotated` counts the secrets re-sealed.
   * @throws SecretsError UNKNOWN_MASTER_KEY when one is under neither key (nothing is changed).
   */
  async rotate(): Promise<{ rotated: number }> {
    const keys = this.options.keys();
    return this.options.dataSource.transaction(async (manager) => {
      const sql = sqlOf(manager.queryRunner!);
      const stale = await sql.rows<{ name: string; sealed: string }>(
        `SELECT name, sealed FROM secrets WHERE key_id <> $1 ORDER BY name FOR UPDATE`,
        [keys.currentKeyId],
      );
      for (const row of stale) {
        await sql.rows(`UPDATE secrets SET sealed = $2, key_id = $3 WHERE name = $1`, [
          row.name,
          keys.seal(keys.unseal(row.sealed)),
          keys.currentKeyId,
        ]);
      }
      return { rotated: stale.length };
    });
  }
}
