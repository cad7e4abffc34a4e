import type { MigrationInterface, QueryRunner } from "typeorm";
import { createApplyFunction as createV1ApplyFunction } from "../v1/apply-function.js";
import { createApplyFunction } from "./apply-function.js";

/**
 * Values are read as written: a run's input, result and error come from the events that hold them
 * (`task_runs.submitted_position`, `task_runs.ended_position`) instead of `jsonb` copies that
 * reordered their keys and could not hold a `\u0000`; `stack_runs` keeps no copy of its calls'
 * arguments and outcomes (nothing read them) but the positions of its `stack.created` and of its
 * latest `resume.requested` (and the activation that asks for), so that the watchdog never parses
 * an event to find them; `task_functions.params` keeps its order (`json`). The apply function takes
 * the events as `json`. An idempotency key is one task's: unique per task name.
 */
export class ValuesAsWritten1765000060000 implements MigrationInterface {
  name = "ValuesAsWritten1765000060000";

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP FUNCTION tasker_read_models_apply(jsonb)`);
    await runner.query(`ALTER TABLE task_runs ADD COLUMN submitted_position bigint, ADD COLUMN ended_position bigint`);
    await runner.query(`
      UPDATE task_runs t SET submitted_position = e.position
      FROM events e WHERE e.stream_id = 'run:' || t.task_run_id AND e.type = 'run.submitted'`);
    await runner.query(`
      UPDATE task_runs t SET ended_position = e.position
      FROM events e WHERE e.stream_id = 'run:' || t.task_run_id AND e.type IN ('run.completed', 'run.failed', 'run.cancelled')`);
    await runner.query(`
      ALTER TABLE task_runs ALTER COLUMN submitted_position SET NOT NULL,
        DROP COLUMN input, DROP COLUMN result, DROP COLUMN error,
        DROP CONSTRAINT task_runs_idempotency_key_key`);
    await runner.query(`CREATE UNIQUE INDEX task_runs_idempotency_key ON task_runs (task_name, idempotency_key)`);
    await runner.query(`
      ALTER TABLE stack_runs DROP COLUMN args, DROP COLUMN result, DROP COLUMN error,
        ADD COLUMN created_position bigint, ADD COLUMN requested_activation integer, ADD COLUMN resume_position bigint`);
    // Events recorded before this version came from jsonb: every string in them is one text holds.
    await runner.query(`
      UPDATE stack_runs s SET created_position = e.position
      FROM events e WHERE e.stream_id = 'run:' || s.task_run_id AND e.type = 'stack.created' AND e.data->>'stackRunId' = s.stack_run_id::text`);
    await runner.query(`
      UPDATE stack_runs s SET requested_activation = latest.activation, resume_position = latest.position
      FROM (
        SELECT DISTINCT ON (e.data->>'stackRunId') e.data->>'stackRunId' AS stack_run_id, (e.data->>'activation')::int AS activation, e.position
        FROM events e JOIN stack_runs r ON e.stream_id = 'run:' || r.task_run_id
        WHERE e.type = 'resume.requested'
        ORDER BY e.data->>'stackRunId', (e.data->>'activation')::int DESC
      ) latest
      WHERE latest.stack_run_id = s.stack_run_id::text`);
    await runner.query(`ALTER TABLE stack_runs ALTER COLUMN created_position SET NOT NULL`);
    await runner.query(`ALTER TABLE task_functions ALTER COLUMN params TYPE json USING params::json`);
    await runner.query(createApplyFunction);
  }

  /** Back to `jsonb` copies (a `\u0000` or an unpaired surrogate in a value becomes U+FFFD, which `jsonb` can hold). */
  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP FUNCTION tasker_read_models_apply(json)`);
    await runner.query(`ALTER TABLE task_functions ALTER COLUMN params TYPE jsonb USING params::jsonb`);
    await runner.query(`
      ALTER TABLE stack_runs DROP COLUMN created_position, DROP COLUMN requested_activation, DROP COLUMN resume_position,
        ADD COLUMN args jsonb, ADD COLUMN result jsonb, ADD COLUMN error jsonb`);
    await runner.query(`
      UPDATE stack_runs s SET
        args = (SELECT (tasker_sql_json(e.data)->'args')::jsonb FROM events e
                WHERE e.stream_id = 'run:' || s.task_run_id AND e.type = 'stack.created' AND tasker_sql_json(e.data)->>'stackRunId' = s.stack_run_id::text),
        result = (SELECT (tasker_sql_json(e.data)->'result')::jsonb FROM events e
                  WHERE e.stream_id = 'run:' || s.task_run_id AND e.type = 'stack.completed' AND tasker_sql_json(e.data)->>'stackRunId' = s.stack_run_id::text),
        error = (SELECT (tasker_sql_json(e.data)->'error')::jsonb FROM events e
                 WHERE e.stream_id = 'run:' || s.task_run_id AND e.type = 'stack.failed' AND tasker_sql_json(e.data)->>'stackRunId' = s.stack_run_id::text)`);
    await runner.query(`ALTER TABLE stack_runs ALTER COLUMN args SET NOT NULL`);
    await runner.query(`DROP INDEX task_runs_idempotency_key`);
    await runner.query(`ALTER TABLE task_runs ADD COLUMN input jsonb, ADD COLUMN result jsonb, ADD COLUMN error jsonb, ADD UNIQUE (idempotency_key)`);
    await runner.query(`
      UPDATE task_runs t SET input = (SELECT (tasker_sql_json(e.data)->'input')::jsonb FROM events e WHERE e.position = t.submitted_position),
        result = (SELECT (tasker_sql_json(e.data)->'result')::jsonb FROM events e WHERE e.position = t.ended_position AND e.type = 'run.completed'),
        error = (SELECT CASE e.type
                   WHEN 'run.failed' THEN (tasker_sql_json(e.data)->'error')::jsonb
                   ELSE jsonb_build_object('code', 'CANCELLED', 'message', coalesce(tasker_sql_json(e.data)->>'reason', 'cancelled'))
                 END FROM events e WHERE e.position = t.ended_position AND e.type IN ('run.failed', 'run.cancelled'))`);
    await runner.query(`ALTER TABLE task_runs ALTER COLUMN input SET NOT NULL, DROP COLUMN submitted_position, DROP COLUMN ended_position`);
    await runner.query(createV1ApplyFunction);
  }
}
