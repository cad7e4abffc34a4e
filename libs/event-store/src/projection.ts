/**
 * A read model kept in step with the events. Its `applyFunction` is a SQL function
 * `(events json) RETURNS void` created by the read model's own migration; it receives the appended
 * rows of the `events` table as a JSON array in position order (NULL for none), each row's `data` as
 * `tasker_sql_json` renders it (json operators can read it; a value is read from `events` as
 * written), and runs inside the append's statement, so a read after a write sees it and an append stays one round trip. A rebuild
 * calls it again over every event. It must depend on nothing but the events (times from
 * `recorded_at`), so that a rebuild reproduces it exactly.
 */
export interface Projection {
  readonly name: string;
  /** The tables it owns, emptied before a rebuild. */
  readonly tables: readonly string[];
  readonly applyFunction: string;
}
