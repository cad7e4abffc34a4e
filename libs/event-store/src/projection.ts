import type { RecordedEvent } from "@tasker/contracts";
import type { Sql } from "./sql.js";

/**
 * A read model kept in step with the events: `apply` runs in the transaction of every append (so a
 * read after a write sees it) and again, over every event in order, on a rebuild. It must depend on
 * nothing but the events (times come from `metadata.recordedAt`), so a rebuild reproduces it exactly.
 */
export interface Projection {
  readonly name: string;
  /** The tables it owns, emptied before a rebuild. */
  readonly tables: readonly string[];
  apply(sql: Sql, events: readonly RecordedEvent[]): Promise<void>;
}
