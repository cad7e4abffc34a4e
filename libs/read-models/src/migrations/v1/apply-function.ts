/**
 * `tasker_read_models_apply(events jsonb)`: folds appended `events` rows (a JSON array in position
 * order) into the read models. It runs inside every append's statement and again on a rebuild, so it
 * reads nothing but the events and the read models themselves, and takes every time from them.
 * `vm.suspended` reads the calls it waits on from `stack_runs`, filled by earlier events.
 */
export const createApplyFunction = `
CREATE FUNCTION tasker_read_models_apply(events jsonb) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  e record;
  d jsonb;
  run_id uuid;
  stack_id uuid;
BEGIN
  IF events IS NULL THEN RETURN; END IF;
  FOR e IN
    SELECT * FROM jsonb_to_recordset(events) AS x(position bigint, stream_id text, type text, data jsonb, recorded_at timestamptz)
    ORDER BY x.position
  LOOP
    d := e.data;
    run_id := CASE WHEN e.stream_id LIKE 'run:%' THEN substr(e.stream_id, 5)::uuid END;
    stack_id := (d->>'stackRunId')::uuid;
    CASE e.type
    WHEN 'task.published' THEN
      INSERT INTO task_function_versions (name, version, code, published_at)
      VALUES (d->>'name', d->>'version', d->>'code', e.recorded_at) ON CONFLICT DO NOTHING;
      INSERT INTO task_functions (name, version, description, params, published_at)
      VALUES (d->>'name', d->>'version', d->>'description', d->'params', e.recorded_at)
      ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version, description = EXCLUDED.description,
        params = EXCLUDED.params, published_at = EXCLUDED.published_at;
    WHEN 'run.submitted' THEN
      INSERT INTO task_runs (task_run_id, task_name, task_version, input, status, idempotency_key, created_at, updated_at)
      VALUES (run_id, d->>'taskName', d->>'taskVersion', d->'input', 'queued', d->>'idempotencyKey', e.recorded_at, e.recorded_at);
    WHEN 'stack.created' THEN
      -- A call recorded after its run ended (an activation that lost the race with a cancel) is not live.
      INSERT INTO stack_runs (stack_run_id, task_run_id, parent_stack_run_id, seq, service, method, args, depth, status, created_at, updated_at)
      SELECT stack_id, run_id, (d->>'parentStackRunId')::uuid, (d->>'seq')::int, d->>'service', d->'method', d->'args',
        (d->>'depth')::int, 'pending', e.recorded_at, e.recorded_at
      WHERE NOT EXISTS (SELECT 1 FROM task_runs WHERE task_run_id = run_id AND status IN ('completed', 'failed', 'cancelled'));
      IF d->>'parentStackRunId' IS NULL THEN
        UPDATE task_runs SET root_stack_run_id = stack_id WHERE task_run_id = run_id;
      END IF;
    WHEN 'stack.started' THEN
      UPDATE stack_runs SET status = 'processing', worker = d->>'worker', lease_until = (d->>'leaseUntil')::timestamptz,
        updated_at = e.recorded_at WHERE stack_run_id = stack_id;
      UPDATE task_runs SET status = 'processing', waiting_on = NULL, updated_at = e.recorded_at
      WHERE task_run_id = run_id AND root_stack_run_id = stack_id AND status NOT IN ('completed', 'failed', 'cancelled');
    WHEN 'resume.requested' THEN
      -- Handed back to the executor: the run is moving again.
      UPDATE task_runs SET status = 'processing', waiting_on = NULL, updated_at = e.recorded_at
      WHERE task_run_id = run_id AND root_stack_run_id = stack_id AND status NOT IN ('completed', 'failed', 'cancelled');
    WHEN 'vm.resumed' THEN
      UPDATE stack_runs SET status = 'processing', activation = (d->>'activation')::int, updated_at = e.recorded_at
      WHERE stack_run_id = stack_id;
      UPDATE task_runs SET status = 'processing', waiting_on = NULL, updated_at = e.recorded_at
      WHERE task_run_id = run_id AND root_stack_run_id = stack_id AND status NOT IN ('completed', 'failed', 'cancelled');
    WHEN 'vm.suspended' THEN
      UPDATE stack_runs SET status = 'suspended', activation = (d->>'activation')::int, worker = NULL, lease_until = NULL,
        updated_at = e.recorded_at WHERE stack_run_id = stack_id;
      UPDATE task_runs SET status = 'suspended', updated_at = e.recorded_at, waiting_on = (
        SELECT jsonb_agg(jsonb_build_object('stackRunId', s.stack_run_id, 'seq', s.seq, 'service', s.service, 'method', s.method) ORDER BY s.seq)
        FROM stack_runs s
        WHERE s.parent_stack_run_id = stack_id AND s.seq IN (SELECT jsonb_array_elements_text(d->'waitingOn')::int))
      WHERE task_run_id = run_id AND root_stack_run_id = stack_id AND status NOT IN ('completed', 'failed', 'cancelled');
    WHEN 'stack.completed' THEN
      UPDATE stack_runs SET status = 'completed', result = d->'result', lease_until = NULL, updated_at = e.recorded_at
      WHERE stack_run_id = stack_id;
    WHEN 'stack.failed' THEN
      UPDATE stack_runs SET status = 'failed', error = d->'error', lease_until = NULL, updated_at = e.recorded_at
      WHERE stack_run_id = stack_id;
    WHEN 'log.appended' THEN
      INSERT INTO task_run_logs (task_run_id, position, stack_run_id, level, message, at)
      VALUES (run_id, e.position, stack_id, d->>'level', d->>'message', (d->>'at')::timestamptz);
    WHEN 'run.completed', 'run.failed', 'run.cancelled' THEN
      UPDATE task_runs SET
        status = CASE e.type WHEN 'run.completed' THEN 'completed' WHEN 'run.failed' THEN 'failed' ELSE 'cancelled' END,
        result = CASE e.type WHEN 'run.completed' THEN d->'result' END,
        error = CASE e.type
          WHEN 'run.failed' THEN d->'error'
          WHEN 'run.cancelled' THEN jsonb_build_object('code', 'CANCELLED', 'message', coalesce(d->>'reason', 'cancelled'))
        END,
        waiting_on = NULL, updated_at = e.recorded_at
      WHERE task_run_id = run_id;
      -- Stack runs are ephemeral: once the run ended, its events are the only record of them.
      DELETE FROM stack_runs WHERE task_run_id = run_id;
    ELSE
      NULL;
    END CASE;
  END LOOP;
END
$$`;
