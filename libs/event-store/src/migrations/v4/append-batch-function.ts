/**
 * `tasker_append_batch(statements json, appends jsonb, data json)`: many appends in one round trip
 * and one transaction, each in its own subtransaction, so that one's failure neither fails nor rolls
 * back another's. `statements`: a JSON array of append statement texts (`appendStatement`);
 * `appends`: a JSON array, per append, of `[statement index (0-based), $1, $2, $3, $5, $6]` (the
 * statement's parameters as text, NULL for those it has not); `data`: a JSON array, per append, of
 * its `$4` (the events' data as written, so `json`, never `jsonb`). Returns, per append
 * (`append_index`, 0-based), the rows its statement returned (none when its version condition did
 * not hold), or one row with the SQLSTATE, message and DETAIL of the error it raised and nothing else.
 * A statement's rows are kept aside until it has ended: an error may come after its first row.
 */
/** The rows an append statement returns (`RETURNING` of `appendStatement`), kept aside by `tasker_append_batch`. */
export const createAppendedType = `
CREATE TYPE tasker_appended AS (position bigint, stream_id text, version integer, event_id uuid, type text, data json, metadata jsonb, recorded_at timestamptz)`;

export const createAppendBatchFunction = `
CREATE FUNCTION tasker_append_batch(p_statements json, p_appends jsonb, p_data json)
RETURNS TABLE (append_index integer, "position" bigint, stream_id text, version integer, event_id uuid, type text, data json, metadata jsonb,
  recorded_at timestamptz, error_code text, error_message text, error_detail text)
LANGUAGE plpgsql AS $$
DECLARE
  a record;
  one tasker_appended;
  appended tasker_appended[];
  v_code text;
  v_message text;
  v_detail text;
BEGIN
  FOR a IN SELECT (x.n - 1)::integer AS n, x.p, x.d FROM ROWS FROM (jsonb_array_elements(p_appends), json_array_elements(p_data)) WITH ORDINALITY AS x(p, d, n) LOOP
    appended := '{}';
    BEGIN
      FOR one IN EXECUTE p_statements->>((a.p->>0)::integer) USING a.p->>1, a.p->>2, a.p->>3, a.d, a.p->>4, a.p->>5 LOOP
        appended := appended || one;
      END LOOP;
    EXCEPTION WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS v_code = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
      RETURN QUERY SELECT a.n, NULL::bigint, NULL::text, NULL::integer, NULL::uuid, NULL::text, NULL::json, NULL::jsonb, NULL::timestamptz,
        v_code, v_message, nullif(v_detail, '');
      CONTINUE;
    END;
    RETURN QUERY SELECT a.n, e.position, e.stream_id, e.version, e.event_id, e.type, e.data, e.metadata, e.recorded_at, NULL::text, NULL::text, NULL::text
      FROM unnest(appended) WITH ORDINALITY AS e(position, stream_id, version, event_id, type, data, metadata, recorded_at, k) ORDER BY e.k;
  END LOOP;
END
$$`;
