import type { MigrationInterface, QueryRunner } from "typeorm";
import { createSqlJsonFunction } from "./sql-json-function.js";

/**
 * An event's data is kept as written (`json`, not `jsonb`): the keys of its objects in their order,
 * `__proto__` among them, and strings that `jsonb` refuses (`\u0000`, an unpaired surrogate). Events
 * recorded before stay as `jsonb` rendered them. SQL reads inside an event through `tasker_sql_json`.
 */
export class EventDataAsWritten1765000000000 implements MigrationInterface {
  name = "EventDataAsWritten1765000000000";

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE events ALTER COLUMN data TYPE json USING data::json`);
    await runner.query(createSqlJsonFunction);
  }

  /** Back to `jsonb`: a `\u0000` or an unpaired surrogate becomes U+FFFD, which `jsonb` can hold. */
  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE events ALTER COLUMN data TYPE jsonb USING tasker_sql_json(data)::jsonb`);
    await runner.query(`DROP FUNCTION tasker_sql_json(json)`);
  }
}
