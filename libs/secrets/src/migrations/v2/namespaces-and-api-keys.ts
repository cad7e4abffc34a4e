import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Namespaces: a secret is one of its namespace (`secrets` keyed by (namespace, name); those set before
 * are `default`'s). `api_keys`: the gateway's API keys, each of one namespace with one role, kept as
 * the SHA-256 (hex) of the key, never the key; `revoked_at` once revoked (the row stays, for the list).
 */
export class NamespacesAndApiKeys1767000000000 implements MigrationInterface {
  name = "NamespacesAndApiKeys1767000000000";

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE secrets ADD COLUMN namespace text NOT NULL DEFAULT 'default'`);
    await runner.query(`ALTER TABLE secrets ALTER COLUMN namespace DROP DEFAULT`);
    await runner.query(`ALTER TABLE secrets DROP CONSTRAINT secrets_pkey, ADD PRIMARY KEY (namespace, name)`);
    await runner.query(`
      CREATE TABLE api_keys (
        key_id uuid PRIMARY KEY,
        key_hash text NOT NULL UNIQUE,
        namespace text NOT NULL,
        role text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    await runner.query(`CREATE INDEX api_keys_namespace ON api_keys (namespace, created_at)`);
  }

  /** Back to one namespace: the secrets of the others go, and so do the API keys. */
  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE api_keys`);
    await runner.query(`DELETE FROM secrets WHERE namespace <> 'default'`);
    await runner.query(`ALTER TABLE secrets DROP CONSTRAINT secrets_pkey, ADD PRIMARY KEY (name)`);
    await runner.query(`ALTER TABLE secrets DROP COLUMN namespace`);
  }
}
