import { EVENT_SCHEMA_VERSION, newId, type NewEvent, parseEvent, type RecordedEvent } from "@tasker/contracts";
import type { AppendStatement } from "./append-batcher.js";
import { appendStatement } from "./append-sql.js";
import { ConcurrencyError, CountExceededError, StreamNotFoundError } from "./errors.js";
import { type EventRow, toRecordedEvent } from "./event-row.js";
import { conditionsOf, describeExpected, type ExpectedVersion, isNewStream } from "./expected-version.js";
import { CONDITION_FAILED, COUNT_EXCEEDED, STREAM_NOT_FOUND } from "./migrations/v2/take-conditions-function.js";
import type { Projection } from "./projection.js";
import type { Sql } from "./sql.js";

const UNIQUE_VIOLATION = "23505";

/**
 * Validates the events (throwing `InvalidEventError` naming the field) into the JSON the statement
 * reads: the events without their data, and their data, each as a JSON array in the events' order.
 */
function serialise(events: readonly NewEvent[]): { rows: string; data: string } {
  const parsed = events.map((event) => ({ event, ...parseEvent(event) }));
  const rows = parsed.map(({ event, type }, index) => {
    const { traceparent = null, causationId = null, correlationId = null, decidedAt } = event.metadata ?? {};
    const metadata = { traceparent, causationId, correlationId, schemaVersion: EVENT_SCHEMA_VERSION, ...(decidedAt === undefined ? {} : { decidedAt }) };
    return { i: index + 1, event_id: newId(), type, metadata };
  });
  return { rows: JSON.stringify(rows), data: JSON.stringify(parsed.map(({ data }) => data)) };
}

async function actualVersion(sql: Sql, streamId: string): Promise<string> {
  const [stream] = await sql.rows<{ version: number }>("SELECT version FROM streams WHERE stream_id = $1", [streamId]);
  return stream ? `version ${stream.version}` : "no stream";
}

/** What the database raised, as the store's own error; undefined for anything else. */
function conditionError(error: unknown, streamId: string, expected: ExpectedVersion): Error | undefined {
  const driver = (error as { driverError?: { code?: string; detail?: string } }).driverError;
  switch (driver?.code) {
    case UNIQUE_VIOLATION:
      return new ConcurrencyError(streamId, describeExpected(expected), "a concurrent append of the same version");
    case CONDITION_FAILED: {
      const actual = JSON.parse(driver.detail ?? "[]") as { guard: string; version: number }[];
      return new ConcurrencyError(streamId, describeExpected(expected), actual.map((guard) => `guard ${guard.guard} at ${guard.version}`).join(" and "));
    }
    case COUNT_EXCEEDED: {
      const { counter, value, max } = JSON.parse(driver.detail ?? "{}") as { counter: string; value: number; max: number };
      return new CountExceededError(streamId, describeExpected(expected), counter, value, max);
    }
    case STREAM_NOT_FOUND:
      return new StreamNotFoundError(streamId);
    default:
      return undefined;
  }
}

/** Throws what an append would on a new stream whose conditions cannot hold there: a guard not at 0, a count past its max. */
function refuseOnNewStream(streamId: string, expected: ExpectedVersion): void {
  const { guards, counts } = conditionsOf(expected);
  const moved = guards.filter((guard) => guard.version !== 0);
  if (moved.length > 0) throw new ConcurrencyError(streamId, describeExpected(expected), moved.map((guard) => `guard ${guard.guard} at 0`).join(" and "));
  const over = counts.find((count) => count.add > count.max);
  if (over) throw new CountExceededError(streamId, describeExpected(expected), over.counter, 0, over.max);
}

/**
 * Appends in one statement with the projections' updates, in its own transaction or subtransaction
 * (`send` runs it, alone or in a batch; `sql` reads the stream's version for the error). Throws
 * `ConcurrencyError` when the condition does not hold (`CountExceededError` for a counter),
 * `StreamNotFoundError` for guards on a stream that does not exist, and `InvalidEventError` for an
 * invalid event; in every case nothing is written.
 */
export async function append(
  sql: Sql,
  send: (statement: AppendStatement) => Promise<EventRow[]>,
  projections: readonly Projection[],
  streamId: string,
  expected: ExpectedVersion,
  events: readonly NewEvent[],
): Promise<RecordedEvent[]> {
  if (events.length === 0) throw new RangeError("append needs at least one event");
  if (isNewStream(expected)) refuseOnNewStream(streamId, expected);
  const { rows: eventRows, data } = serialise(events);
  const { text, extraParams } = appendStatement(expected, projections);
  let rows: EventRow[];
  try {
    rows = await send({ text, params: [streamId, events.length, eventRows, data, ...extraParams] });
  } catch (error) {
    throw conditionError(error, streamId, expected) ?? error;
  }
  if (rows.length === 0) throw new ConcurrencyError(streamId, describeExpected(expected), await actualVersion(sql, streamId));
  return rows.map(toRecordedEvent);
}
