import type { RecordedEvent } from "@tasker/contracts";
import { EVENT_COLUMNS, type EventRow, toRecordedEvent } from "./event-row.js";
import type { Sql } from "./sql.js";

/**
 * A stream's events from `fromVersion` (1-based, inclusive) on, in version order; at most `limit`
 * of them when given (a page: a reader that must not hold a whole history). Any whole `fromVersion`
 * may be asked for (a client's cursor): one past the column's `integer` range finds nothing.
 */
export async function readStream(sql: Sql, streamId: string, fromVersion = 1, limit?: number): Promise<RecordedEvent[]> {
  const rows = await sql.rows<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = $1 AND version >= $2::bigint ORDER BY version LIMIT $3`,
    [streamId, fromVersion, limit ?? null],
    true,
  );
  return rows.map(toRecordedEvent);
}

/**
 * Up to `limit` events of all streams after global position `afterPosition` (0 = from the start), in
 * position order. Positions are assigned at insert, so a reader tailing the log may see a later
 * position commit before an earlier one: use it for replays of committed history, not as a live feed.
 */
export async function readAll(sql: Sql, afterPosition: number, limit: number): Promise<RecordedEvent[]> {
  const rows = await sql.rows<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM events WHERE position > $1 ORDER BY position LIMIT $2`,
    [afterPosition, limit],
  );
  return rows.map(toRecordedEvent);
}

/**
 * Up to `limit` events of all streams recorded at or after `since`, after global position
 * `afterPosition` (0 = from the start), in position order: a page of history across runs.
 */
export async function readSince(sql: Sql, since: Date, afterPosition: number, limit: number): Promise<RecordedEvent[]> {
  const rows = await sql.rows<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM events WHERE recorded_at >= $1 AND position > $2 ORDER BY position LIMIT $3`,
    [since, afterPosition, limit],
  );
  return rows.map(toRecordedEvent);
}

/** The event at `version` of a stream, or undefined when the stream has no such version. */
export async function readEvent(sql: Sql, streamId: string, version: number): Promise<RecordedEvent | undefined> {
  const [row] = await sql.rows<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = $1 AND version = $2`, [streamId, version]);
  return row && toRecordedEvent(row);
}
