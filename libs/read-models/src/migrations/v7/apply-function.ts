import { amendedSql } from "../amended-sql.js";
import { createApplyFunction as createV6ApplyFunction } from "../v6/apply-function.js";

/** The types of events that write only a run's `stack_runs` and `timers` and its interim status: the run's end overwrites or deletes all of it. */
const INTERIM = `'stack.started', 'stack.retrying', 'resume.requested', 'vm.resumed', 'vm.suspended', 'stack.completed', 'stack.failed'`;

/**
 * `tasker_read_models_apply(events json)` as of v6 (see there), but the stack runs of a run that ends
 * in the same `events` are not written: the end deletes them and their timers, and sets every column
 * of `task_runs` their events set but the root's id, so for such a run only its submission, its root's
 * id, its logs and its end are written (a run a direct start records whole: 3 row versions of
 * `task_runs`, where it wrote 8 across `task_runs` and `stack_runs` and deleted 1). The read models
 * come out the same as event by event. The events are parsed once, into an array of
 * `tasker_read_models_event`, from which the runs ended are found before the fold. Written as v6's
 * text with these edits.
 */
export const createApplyFunction = amendedSql("v7", createV6ApplyFunction, [
  [
    `  e record;`,
    `  e tasker_read_models_event;
  batch tasker_read_models_event[];
  -- The runs these events end.
  ended uuid[];`,
  ],
  [
    `  FOR e IN
    SELECT * FROM json_to_recordset(events) AS x(position bigint, stream_id text, type text, data json, recorded_at timestamptz)
    ORDER BY x.position
  LOOP
`,
    `  batch := ARRAY(SELECT x FROM json_populate_recordset(NULL::tasker_read_models_event, events) x ORDER BY x.position);
  ended := ARRAY(SELECT substr(x.stream_id, 5)::uuid FROM unnest(batch) x WHERE x.type IN ('run.completed', 'run.failed', 'run.cancelled') AND x.stream_id LIKE 'run:%');
  FOREACH e IN ARRAY batch LOOP
    run_id := CASE WHEN e.stream_id LIKE 'run:%' THEN substr(e.stream_id, 5)::uuid END;
    IF run_id = ANY(ended) AND e.type IN (${INTERIM}) THEN CONTINUE; END IF;
`,
  ],
  [`    run_id := CASE WHEN e.stream_id LIKE 'run:%' THEN substr(e.stream_id, 5)::uuid END;\n    CASE e.type`, `    CASE e.type`],
  [
    `      -- A call recorded after its run ended (an activation that lost the race with a cancel) is not live.
      INSERT INTO stack_runs`,
    `      -- A call recorded after its run ended (an activation that lost the race with a cancel) is not live,
      -- and one of a run these events end is not written.
      IF NOT run_id = ANY(ended) THEN
      INSERT INTO stack_runs`,
  ],
  [
    `'cancelled'));
      IF d."parentStackRunId" IS NULL THEN`,
    `'cancelled'));
      END IF;
      IF d."parentStackRunId" IS NULL THEN`,
  ],
  [`      IF d."dueAt" IS NOT NULL THEN`, `      IF d."dueAt" IS NOT NULL AND NOT run_id = ANY(ended) THEN`],
]);
