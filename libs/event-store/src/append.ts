import { newId, type NewEvent, parseEvent, type RecordedEvent } from "@tasker/contracts";
import { appendStatement } from "./append-sql.js";
import { ConcurrencyError } from "./errors.js";
import { type EventRow, toRecordedEvent } from "./event-row.js";
import { describeExpected, type ExpectedVersion, guardsOf } from "./expected-version.js";
import type { Projection } from "./projection.js";
import type { Sql } from "./sql.js";

const UNIQUE_VIOLATION = "23505";

/** Validates the events (throwing `InvalidEventError` naming the field) into the JSON the statement reads. */
function serialise(events: readonly NewEvent[]): string {
  return JSON.stringify(
    events.map((event, index) => {
      const { type, data } = parseEvent(event);
      const { traceparent = null, causationId = null, correlationId = null } = event.metadata ?? {};
      return { i: index + 1, event_id: newId(), type, data, metadata: { traceparent, causationId, correlationId } };
    }),
  );
}

async function actualState(sql: Sql, streamId: string, expected: ExpectedVersion): Promise<string> {
  const guards = guardsOf(expected);
  if (guards.length > 0) {
    const rows = await sql.rows<{ guard: string; version: number }>(
      "SELECT guard, version FROM stream_guards WHERE stream_id = $1 AND guard = ANY($2)",
      [streamId, guards.map((guard) => guard.guard)],
    );
    const found = new Map(rows.map((row) => [row.guard, row.version]));
    return guards.map((guard) => `guard ${guard.guard} at ${found.get(guard.guard) ?? 0}`).join(" and ");
  }
  const [stream] = await sql.rows<{ version: number }>("SELECT version FROM streams WHERE stream_id = $1", [streamId]);
  return stream ? `version ${stream.version}` : "no stream";
}

/**
 * Appends in one statement (its own transaction) with the projections' updates. Throws
 * `ConcurrencyError` when the condition does not hold and `InvalidEventError` for an invalid event;
 * either way nothing is written.
 */
export async function append(
  sql: Sql,
  projections: readonly Projection[],
  streamId: string,
  expected: ExpectedVersion,
  events: readonly NewEvent[],
): Promise<RecordedEvent[]> {
  if (events.length === 0) throw new RangeError("append needs at least one event");
  const json = serialise(events);
  const { text, extraParams } = appendStatement(expected, projections);
  let rows: EventRow[];
  try {
    rows = await sql.rows<EventRow>(text, [streamId, events.length, json, ...extraParams]);
  } catch (error) {
    if ((error as { driverError?: { code?: string } }).driverError?.code === UNIQUE_VIOLATION) {
      throw new ConcurrencyError(streamId, describeExpected(expected), "a concurrent append of the same version");
    }
    throw error;
  }
  if (rows.length === 0) throw new ConcurrencyError(streamId, describeExpected(expected), await actualState(sql, streamId, expected));
  return rows.map(toRecordedEvent);
}
