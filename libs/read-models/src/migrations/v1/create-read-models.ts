import type { MigrationInterface, QueryRunner } from "typeorm";
import { createApplyFunction } from "./apply-function.js";

/** The read models: projections of the events, rebuilt from them at will. */
export class CreateReadModels1764115260000 implements MigrationInterface {
  name = "CreateReadModels1764115260000";

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE task_functions (
        name text PRIMARY KEY,
        version text NOT NULL,
        description text NOT NULL,
        params jsonb NOT NULL,
        published_at timestamptz NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE task_function_versions (
        name text NOT NULL,
        version text NOT NULL,
        code text NOT NULL,
        published_at timestamptz NOT NULL,
        PRIMARY KEY (name, version)
      )`);
    await runner.query(`
      CREATE TABLE task_runs (
        task_run_id uuid PRIMARY KEY,
        task_name text NOT NULL,
        task_version text NOT NULL,
        input jsonb NOT NULL,
        status text NOT NULL,
        result jsonb,
        error jsonb,
        idempotency_key text UNIQUE,
        root_stack_run_id uuid,
        waiting_on jsonb,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await runner.query(`CREATE INDEX task_runs_status ON task_runs (status, updated_at)`);
    await runner.query(`
      CREATE TABLE task_run_logs (
        task_run_id uuid NOT NULL,
        position bigint NOT NULL,
        stack_run_id uuid NOT NULL,
        level text NOT NULL,
        message text NOT NULL,
        at timestamptz NOT NULL,
        PRIMARY KEY (task_run_id, position)
      )`);
    await runner.query(`
      CREATE TABLE stack_runs (
        stack_run_id uuid PRIMARY KEY,
        task_run_id uuid NOT NULL,
        parent_stack_run_id uuid,
        seq integer,
        service text NOT NULL,
        method jsonb NOT NULL,
        args jsonb NOT NULL,
        depth integer NOT NULL,
        status text NOT NULL,
        activation integer NOT NULL DEFAULT 0,
        worker text,
        lease_until timestamptz,
        result jsonb,
        error jsonb,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await runner.query(`CREATE INDEX stack_runs_task_run ON stack_runs (task_run_id)`);
    await runner.query(`CREATE INDEX stack_runs_parent ON stack_runs (parent_stack_run_id, seq)`);
    await runner.query(`CREATE INDEX stack_runs_lease ON stack_runs (status, lease_until)`);
    await runner.query(createApplyFunction);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP FUNCTION tasker_read_models_apply(jsonb)`);
    await runner.query(`DROP TABLE stack_runs, task_run_logs, task_runs, task_function_versions, task_functions`);
  }
}
