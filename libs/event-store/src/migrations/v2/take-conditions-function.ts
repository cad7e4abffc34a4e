/** The SQLSTATEs `tasker_take_conditions` raises; the append turns them into typed errors. */
export const CONDITION_FAILED = "TKC01";
export const COUNT_EXCEEDED = "TKC02";
export const STREAM_NOT_FOUND = "TKC03";

/**
 * `tasker_take_conditions(stream, events, guards, counts) RETURNS integer`: the first step of a
 * conditional append. It locks the stream's head row, which orders it after every append of the
 * stream that committed before; each of its statements then reads the guards as they are now (a
 * volatile function takes a fresh snapshot per statement). It checks every guard and count first,
 * and raises when one does not hold, so that the whole append rolls back and nothing moves; then it
 * moves the guards (but those only checked) and the counts, advances the head by `events`, and
 * returns the new head version.
 * `guards`: `[{guard, version, check}]`; `counts`: `[{counter, add, max}]`.
 */
export const createTakeConditionsFunction = `
CREATE FUNCTION tasker_take_conditions(p_stream text, p_events integer, p_guards jsonb, p_counts jsonb) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  head integer;
  actual jsonb := '[]';
  holds boolean := true;
  g record;
  c record;
  current integer;
BEGIN
  SELECT version INTO head FROM streams WHERE stream_id = p_stream FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no stream %', p_stream USING ERRCODE = '${STREAM_NOT_FOUND}';
  END IF;
  FOR g IN SELECT x.guard, x.version FROM jsonb_to_recordset(p_guards) AS x(guard text, version integer) LOOP
    SELECT coalesce(max(s.version), 0) INTO current FROM stream_guards s WHERE s.stream_id = p_stream AND s.guard = g.guard;
    actual := actual || jsonb_build_object('guard', g.guard, 'version', current);
    holds := holds AND current = g.version;
  END LOOP;
  IF NOT holds THEN
    RAISE EXCEPTION 'a guard of stream % moved on', p_stream USING ERRCODE = '${CONDITION_FAILED}', DETAIL = actual::text;
  END IF;
  FOR c IN SELECT x.counter, x.add, x.max FROM jsonb_to_recordset(p_counts) AS x(counter text, add integer, max integer) LOOP
    SELECT coalesce(max(s.version), 0) INTO current FROM stream_guards s WHERE s.stream_id = p_stream AND s.guard = c.counter;
    IF current + c.add > c.max THEN
      RAISE EXCEPTION 'counter % of stream % would pass %', c.counter, p_stream, c.max USING ERRCODE = '${COUNT_EXCEEDED}',
        DETAIL = jsonb_build_object('counter', c.counter, 'value', current, 'max', c.max)::text;
    END IF;
  END LOOP;
  INSERT INTO stream_guards (stream_id, guard, version)
  SELECT p_stream, x.guard, x.version + 1 FROM jsonb_to_recordset(p_guards) AS x(guard text, version integer, "check" boolean)
  WHERE NOT coalesce(x."check", false)
  ON CONFLICT (stream_id, guard) DO UPDATE SET version = EXCLUDED.version;
  INSERT INTO stream_guards (stream_id, guard, version)
  SELECT p_stream, x.counter, x.add FROM jsonb_to_recordset(p_counts) AS x(counter text, add integer) WHERE x.add <> 0
  ON CONFLICT (stream_id, guard) DO UPDATE SET version = stream_guards.version + EXCLUDED.version;
  UPDATE streams SET version = version + p_events WHERE stream_id = p_stream;
  RETURN head + p_events;
END
$$`;
