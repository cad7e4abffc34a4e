import { type ExpectedVersion, guardsOf } from "./expected-version.js";
import type { Projection } from "./projection.js";

/*
 * One statement allocates the versions, inserts the events, queues them in the outbox and runs the
 * projections: an append is a single round trip and a single (implicit) transaction. Parameters: $1 stream id, $2 number of
 * events, $3 the events as a JSON array of {i, event_id, type, data, metadata}, then the condition's.
 * A condition that does not hold yields no rows: the caller turns that into a ConcurrencyError.
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
      cte: `stream AS (UPDATE streams SET version = version + $2::integer WHERE stream_id = $1 AND version = $4 RETURNING version)`,
      params: [expected],
    };
  }
  // Guards are taken first, each only if the one before held, and the stream head only through the
  // last: every guarded append locks in the same order, and a failed guard leaves the rest alone.
  const params: unknown[] = [];
  const ctes = guardsOf(expected).map((guard, index) => {
    const previous = index === 0 ? undefined : `g${index - 1}`;
    params.push(guard.guard);
    const name = `$${3 + params.length}`;
    if (guard.version === 0) {
      const source = previous ? `SELECT $1, ${name}, 1 FROM ${previous}` : `VALUES ($1, ${name}, 1)`;
      return `g${index} AS (INSERT INTO stream_guards (stream_id, guard, version) ${source} ON CONFLICT DO NOTHING RETURNING version)`;
    }
    params.push(guard.version);
    const after = previous ? ` AND EXISTS (SELECT 1 FROM ${previous})` : "";
    return `g${index} AS (UPDATE stream_guards SET version = version + 1
      WHERE stream_id = $1 AND guard = ${name} AND version = $${3 + params.length}${after} RETURNING version)`;
  });
  const stream = `stream AS (INSERT INTO streams (stream_id, version) SELECT $1, $2::integer FROM g${ctes.length - 1}
    ON CONFLICT (stream_id) DO UPDATE SET version = streams.version + EXCLUDED.version RETURNING version)`;
  return { cte: [...ctes, stream].join(", "), params };
}

/** Calls every projection function with the appended rows (NULL when the condition failed: a no-op). */
export function projectClause(projections: readonly Projection[], rows: string): string {
  const calls = projections.map((projection) => `${projection.applyFunction}(events)`);
  return `SELECT ${["1", ...calls].join(", ")} FROM (SELECT jsonb_agg(to_jsonb(r) ORDER BY r.position) AS events FROM ${rows} r) batch`;
}

export function appendStatement(expected: ExpectedVersion, projections: readonly Projection[]): { text: string; extraParams: unknown[] } {
  const { cte, params } = streamClause(expected);
  const text = `WITH ${cte},
    appended AS (
      INSERT INTO events (stream_id, version, event_id, type, data, metadata)
      SELECT $1, stream.version - $2::integer + x.i, x.event_id, x.type, x.data, x.metadata
      FROM stream, jsonb_to_recordset($3::jsonb) AS x(i integer, event_id uuid, type text, data jsonb, metadata jsonb)
      RETURNING position, stream_id, version, event_id, type, data, metadata, recorded_at
    ),
    queued AS (INSERT INTO outbox (position) SELECT position FROM appended),
    projected AS (${projectClause(projections, "appended")})
    SELECT appended.* FROM appended, projected ORDER BY version`;
  return { text, extraParams: params };
}
