/**
 * `tasker_read_models_apply(events json)`: folds appended `events` rows (a JSON array in position
 * order, each row's data as `tasker_sql_json` renders it) into the read models. It runs inside every
 * append's statement and again on a rebuild, so it reads nothing but the events and the read models
 * themselves, and takes every time from them. `vm.suspended` reads the calls it waits on from
 * `stack_runs`, filled by earlier events. It reads names, ids, numbers and log lines from the data
 * (each event's parsed once); a run's input, result and error it records as the position of the event
 * that holds them, to be read from `events` as written, and so a stack run's `stack.created` and its
 * latest `resume.requested` (with the activation it asks for), which the watchdog reads by position.
 * A call with a durable timer (`stack.created`'s `dueAt`) has a row in `timers` until it settles or its
 * run ends; a call waiting for its next attempt (`stack.retrying`) is leased until then. A task function
 * and a run belong to the namespace their event names (`default` when it names none).
 */
export const createApplyFunction = `
CREATE OR REPLACE FUNCTION tasker_read_models_apply(events json) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  e record;
  d record;
  run_id uuid;
BEGIN
  IF events IS NULL THEN RETURN; END IF;
  FOR e IN
    SELECT * FROM json_to_recordset(events) AS x(position bigint, stream_id text, type text, data json, recorded_at timestamptz)
    ORDER BY x.position
  LOOP
    SELECT * INTO d FROM json_to_record(e.data) AS x(
      namespace text, "stackRunId" uuid, "parentStackRunId" uuid, seq integer, service text, method jsonb, depth integer,
      "taskName" text, "taskVersion" text, "idempotencyKey" text, name text, version text, code text, description text, params json,
      worker text, "leaseUntil" timestamptz, "dueAt" timestamptz, "retryAt" timestamptz, activation integer, "waitingOn" jsonb, level text, message text, at text);
    run_id := CASE WHEN e.stream_id LIKE 'run:%' THEN substr(e.stream_id, 5)::uuid END;
    CASE e.type
    WHEN 'task.published' THEN
      INSERT INTO task_function_versions (namespace, name, version, code, published_at)
      VALUES (coalesce(d.namespace, 'default'), d.name, d.version, d.code, e.recorded_at) ON CONFLICT DO NOTHING;
      INSERT INTO task_functions (namespace, name, version, description, params, published_at)
      VALUES (coalesce(d.namespace, 'default'), d.name, d.version, d.description, d.params, e.recorded_at)
      ON CONFLICT (namespace, name) DO UPDATE SET version = EXCLUDED.version, description = EXCLUDED.description,
        params = EXCLUDED.params, published_at = EXCLUDED.published_at;
    WHEN 'run.submitted' THEN
      INSERT INTO task_runs (task_run_id, namespace, task_name, task_version, submitted_position, status, idempotency_key, created_at, updated_at)
      VALUES (run_id, coalesce(d.namespace, 'default'), d."taskName", d."taskVersion", e.position, 'queued', d."idempotencyKey", e.recorded_at, e.recorded_at);
    WHEN 'stack.created' THEN
      -- A call recorded after its run ended (an activation that lost the race with a cancel) is not live.
      INSERT INTO stack_runs (stack_run_id, task_run_id, parent_stack_run_id, seq, service, method, depth, status, created_position, created_at, updated_at)
      SELECT d."stackRunId", run_id, d."parentStackRunId", d.seq, d.service, d.method, d.depth, 'pending', e.position, e.recorded_at, e.recorded_at
      WHERE NOT EXISTS (SELECT 1 FROM task_runs WHERE task_run_id = run_id AND status IN ('completed', 'failed', 'cancelled'));
      IF d."parentStackRunId" IS NULL THEN
        UPDATE task_runs SET root_stack_run_id = d."stackRunId" WHERE task_run_id = run_id;
      END IF;
      IF d."dueAt" IS NOT NULL THEN
        INSERT INTO timers (stack_run_id, task_run_id, due_at)
        SELECT d."stackRunId", run_id, d."dueAt"
        WHERE NOT EXISTS (SELECT 1 FROM task_runs WHERE task_run_id = run_id AND status IN ('completed', 'failed', 'cancelled'))
        ON CONFLICT DO NOTHING;
      END IF;
    WHEN 'stack.started' THEN
      UPDATE stack_runs SET status = 'processing', worker = d.worker, lease_until = d."leaseUntil",
        updated_at = e.recorded_at WHERE stack_run_id = d."stackRunId";
      UPDATE task_runs SET status = 'processing', waiting_on = NULL, updated_at = e.recorded_at
      WHERE task_run_id = run_id AND root_stack_run_id = d."stackRunId" AND status NOT IN ('completed', 'failed', 'cancelled');
    WHEN 'stack.retrying' THEN
      UPDATE stack_runs SET lease_until = d."retryAt", updated_at = e.recorded_at WHERE stack_run_id = d."stackRunId";
    WHEN 'resume.requested' THEN
      UPDATE stack_runs SET requested_activation = d.activation, resume_position = e.position
      WHERE stack_run_id = d."stackRunId" AND coalesce(requested_activation, 0) < d.activation;
      -- Handed back to the executor: the run is moving again.
      UPDATE task_runs SET status = 'processing', waiting_on = NULL, updated_at = e.recorded_at
      WHERE task_run_id = run_id AND root_stack_run_id = d."stackRunId" AND status NOT IN ('completed', 'failed', 'cancelled');
    WHEN 'vm.resumed' THEN
      UPDATE stack_runs SET status = 'processing', activation = d.activation, updated_at = e.recorded_at
      WHERE stack_run_id = d."stackRunId";
      UPDATE task_runs SET status = 'processing', waiting_on = NULL, updated_at = e.recorded_at
      WHERE task_run_id = run_id AND root_stack_run_id = d."stackRunId" AND status NOT IN ('completed', 'failed', 'cancelled');
    WHEN 'vm.suspended' THEN
      UPDATE stack_runs SET status = 'suspended', activation = d.activation, worker = NULL, lease_until = NULL,
        updated_at = e.recorded_at WHERE stack_run_id = d."stackRunId";
      UPDATE task_runs SET status = 'suspended', updated_at = e.recorded_at, waiting_on = (
        SELECT jsonb_agg(jsonb_build_object('stackRunId', s.stack_run_id, 'seq', s.seq, 'service', s.service, 'method', s.method) ORDER BY s.seq)
        FROM stack_runs s
        WHERE s.parent_stack_run_id = d."stackRunId" AND s.seq IN (SELECT jsonb_array_elements_text(d."waitingOn")::int))
      WHERE task_run_id = run_id AND root_stack_run_id = d."stackRunId" AND status NOT IN ('completed', 'failed', 'cancelled');
    WHEN 'stack.completed' THEN
      UPDATE stack_runs SET status = 'completed', lease_until = NULL, updated_at = e.recorded_at WHERE stack_run_id = d."stackRunId";
      DELETE FROM timers WHERE stack_run_id = d."stackRunId";
    WHEN 'stack.failed' THEN
      UPDATE stack_runs SET status = 'failed', lease_until = NULL, updated_at = e.recorded_at WHERE stack_run_id = d."stackRunId";
      DELETE FROM timers WHERE stack_run_id = d."stackRunId";
    WHEN 'log.appended' THEN
      INSERT INTO task_run_logs (task_run_id, position, stack_run_id, level, message, at)
      VALUES (run_id, e.position, d."stackRunId", d.level, d.message, d.at::timestamptz);
    WHEN 'run.completed', 'run.failed', 'run.cancelled' THEN
      UPDATE task_runs SET
        status = CASE e.type WHEN 'run.completed' THEN 'completed' WHEN 'run.failed' THEN 'failed' ELSE 'cancelled' END,
        ended_position = e.position, waiting_on = NULL, updated_at = e.recorded_at
      WHERE task_run_id = run_id;
      -- Stack runs are ephemeral: once the run ended, its events are the only record of them.
      DELETE FROM stack_runs WHERE task_run_id = run_id;
      DELETE FROM timers WHERE task_run_id = run_id;
    ELSE
      NULL;
    END CASE;
  END LOOP;
END
$$`;
