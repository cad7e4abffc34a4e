import { conditionsOf, type ExpectedVersion, isNewStream } from "./expected-version.js";
import type { Projection } from "./projection.js";

/*
 * One statement allocates the versions, inserts the events, queues them in the outbox and runs the
 * projections: an append is a single round trip and a single (implicit) transaction. Parameters: $1
 * stream id, $2 number of events, $3 the events as a JSON array of {i, event_id, type, metadata}, $4
 * their data as a JSON array in the same order (the two zipped by `ROWS FROM`), then the condition's.
 * The data goes apart and is split by `json_array_elements`, which (unlike `json_to_recordset`)
 * copies each document as written, where a `\u0000` or an unpaired surrogate escape would make the
 * parse refuse it. A version condition that does not hold yields no rows (the caller
 * turns that into a ConcurrencyError); guards and counts are taken by `tasker_take_conditions`, which
 * raises when one does not hold, so the statement rolls back whole. Every parameter is cast where it
 * is read, so that `tasker_append_batch` can run the same text with its parameters given as text.
 */
const ANY = `INSERT INTO streams (stream_id, version) VALUES ($1, $2::integer)
  ON CONFLICT (stream_id) DO UPDATE SET version = streams.version + EXCLUDED.version RETURNING version`;

function streamClause(expected: ExpectedVersion): { cte: string; params: unknown[] } {
  if (expected === "any") return { cte: `stream AS (${ANY})`, params: [] };
  if (expected === "no_stream" || expected === 0) {
    return { cte: `stream AS (INSERT INTO streams (stream_id, version) VALUES ($1, $2::integer) ON CONFLICT DO NOTHING RETURNING version)`, params: [] };
  }
  if (typeof expected === "number") {
    return {
      cte: `stream AS (UPDATE streams SET version = version + $2::integer WHERE stream_id = $1 AND version = $5::integer RETURNING version)`,
      params: [expected],
    };
  }
  const { guards, counts } = conditionsOf(expected);
  if (isNewStream(expected)) {
    // The guards and counters of a stream this statement creates start from 0: what the append moves
    // them to is written with the stream's head, and nothing when another writer created it first.
    // (`append` refused the conditions that cannot hold on a new stream.)
    const moved = [...guards.filter((guard) => guard.check !== true).map(({ guard }) => ({ guard, version: 1 })), ...counts.filter((count) => count.add !== 0).map(({ counter, add }) => ({ guard: counter, version: add }))];
    return {
      cte: `stream AS (INSERT INTO streams (stream_id, version) VALUES ($1, $2::integer) ON CONFLICT DO NOTHING RETURNING version),
    taken AS (INSERT INTO stream_guards (stream_id, guard, version)
      SELECT $1, x.guard, x.version FROM stream, jsonb_to_recordset($5::jsonb) AS x(guard text, version integer)
      ON CONFLICT (stream_id, guard) DO UPDATE SET version = EXCLUDED.version)`,
      params: [JSON.stringify(moved)],
    };
  }
  return {
    cte: `stream AS MATERIALIZED (SELECT tasker_take_conditions($1, $2::integer, $5::jsonb, $6::jsonb) AS version)`,
    params: [JSON.stringify(guards.map(({ guard, version, check }) => ({ guard, version, check: check === true }))), JSON.stringify(counts)],
  };
}

/**
 * Calls every projection function with the appended rows (NULL when the condition failed: a no-op),
 * each row's data as `tasker_sql_json` renders it.
 */
export function projectClause(projections: readonly Projection[], rows: string): string {
  const calls = projections.map((projection) => `${projection.applyFunction}(events)`);
  return `SELECT ${["1", ...calls].join(", ")} FROM (
    SELECT json_agg(to_json(r) ORDER BY r.position) AS events
    FROM (SELECT position, stream_id, version, event_id, type, tasker_sql_json(data) AS data, metadata, recorded_at FROM ${rows}) r
  ) batch`;
}

export function appendStatement(expected: ExpectedVersion, projections: readonly Projection[]): { text: string; extraParams: unknown[] } {
  const { cte, params } = streamClause(expected);
  const text = `WITH ${cte},
    appended AS (
      INSERT INTO events (stream_id, version, event_id, type, data, metadata)
      SELECT $1, stream.version - $2::integer + x.i, x.event_id, x.type, x.data, x.metadata
      FROM stream, ROWS FROM (jsonb_to_recordset($3::jsonb) AS (i integer, event_id uuid, type text, metadata jsonb), json_array_elements($4::json))
        AS x(i, event_id, type, metadata, data)
      RETURNING position, stream_id, version, event_id, type, data, metadata, recorded_at
    ),
    queued AS (INSERT INTO outbox (position) SELECT position FROM appended),
    projected AS (${projectClause(projections, "appended")})
    SELECT appended.* FROM appended, projected ORDER BY version`;
  return { text, extraParams: params };
}
