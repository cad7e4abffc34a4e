import type { MigrationInterface, QueryRunner } from "typeorm";

/** The append-only event log, its stream heads and guards, and the outbox of unpublished events. */
export class CreateEventTables1764115200000 implements MigrationInterface {
  name = "CreateEventTables1764115200000";

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE events (
        position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        stream_id text NOT NULL,
        version integer NOT NULL,
        event_id uuid NOT NULL UNIQUE,
        type text NOT NULL,
        data jsonb NOT NULL,
        metadata jsonb NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT events_stream_version UNIQUE (stream_id, version)
      )`);
    // The head of each stream: one row lock orders concurrent appends without retries.
    await runner.query(`CREATE TABLE streams (stream_id text PRIMARY KEY, version integer NOT NULL)`);
    // Narrower optimistic locks inside a stream (e.g. one stack run's activation number).
    await runner.query(`
      CREATE TABLE stream_guards (
        stream_id text NOT NULL,
        guard text NOT NULL,
        version integer NOT NULL,
        PRIMARY KEY (stream_id, guard)
      )`);
    await runner.query(`
      CREATE TABLE outbox (
        position bigint PRIMARY KEY REFERENCES events (position),
        enqueued_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE outbox, stream_guards, streams, events`);
  }
}
