import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * `secrets`: one row per named secret, its value sealed (`v1.<keyId>.<nonce>.<ciphertext+tag>`) under
 * the master key `key_id` names, so that rotation finds what is not under the current key by index.
 * `updated_at` is when the value was last set (rotation leaves it).
 */
export class CreateSecrets1766000000000 implements MigrationInterface {
  name = "CreateSecrets1766000000000";

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE secrets (
        name text PRIMARY KEY,
        sealed text NOT NULL,
        key_id text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX secrets_key_id ON secrets (key_id)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE secrets`);
  }
}
