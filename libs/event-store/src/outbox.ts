import type { RecordedEvent } from "@tasker/contracts";
import type { DataSource } from "typeorm";
import { EVENT_COLUMNS, type EventRow, toRecordedEvent } from "./event-row.js";
import { pooledSql, type Sql } from "./sql.js";

/** Where committed events go: the bus. Must be idempotent by event id (JetStream's `Nats-Msg-Id`). */
export interface EventPublisher {
  publish(event: RecordedEvent): Promise<void>;
}

export interface OutboxOptions {
  /** How often unconfirmed events are looked for (ms). */
  sweepIntervalMs: number;
  /** How old an unconfirmed event must be before the sweeper takes it from the live publisher (ms). */
  graceMs: number;
  batchSize: number;
  /**
   * How long confirmed events gather before one DELETE takes them all out of the outbox (ms): one
   * statement for every event confirmed in that window instead of one per commit. Well under `graceMs`,
   * or the sweeper republishes events that were only waiting to be deleted (harmless, but wasted).
   */
  confirmBatchMs: number;
  onError(error: unknown): void;
  /**
   * Whether a publish failure is the bus's rather than the event's (NATS down, a timeout): the sweep
   * then stops until its next pass. Any other failure is recorded on the event's outbox row
   * (`attempts`, `last_error`), which is retried later with backoff while the sweep goes on.
   */
  isTransient(error: unknown): boolean;
}

/** The longest an event that failed to publish waits before the sweeper tries it again (ms). */
const MAX_RETRY_DELAY_MS = 60_000;

/**
 * Publishes events right after their commit, and sweeps up any that a crash or an outage left
 * unpublished. Confirmed events leave the outbox in batches, off the append's path.
 */
export class Outbox {
  private readonly inFlight = new Set<Promise<void>>();
  private confirmed: string[] = [];
  private flushing: Promise<void> | undefined;
  /** Ends the current batch's wait at once (on stop). */
  private flushNow: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<number> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
    private readonly options: OutboxOptions,
  ) {}

  /**
   * Starts publishing `events` (already committed) once the appender's own continuation has run (its
   * answer, its next step: they go out first); does not wait for the bus.
   */
  afterCommit(events: readonly RecordedEvent[]): void {
    const publishing = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.publishAll(events))
      .catch(this.options.onError)
      .finally(() => this.inFlight.delete(publishing));
    this.inFlight.add(publishing);
  }

  start(): void {
    this.timer ??= setInterval(() => void this.sweep().catch(this.options.onError), this.options.sweepIntervalMs);
    this.timer.unref();
  }

  /** Publishes every event older than the grace period that is still unconfirmed; returns how many. */
  sweep(): Promise<number> {
    this.sweeping ??= this.sweepOnce().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  /** Stops sweeping and waits for publishes under way and their confirmation. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.sweeping;
    await Promise.all(this.inFlight);
    while (this.flushing) {
      this.flushNow?.();
      await this.flushing;
    }
  }

  private async publishAll(events: readonly RecordedEvent[]): Promise<void> {
    // Sent back to back (the connection keeps their order), acknowledged together.
    const results = await Promise.allSettled(events.map((event) => this.publisher.publish(event)));
    results.forEach((result, index) => {
      if (result.status === "fulfilled") this.confirmed.push(String(events[index]!.metadata.position));
    });
    this.scheduleFlush();
    const failure = results.find((result) => result.status === "rejected");
    if (failure) throw failure.reason;
  }

  /** Deletes confirmed events in batches: one statement for whatever was confirmed within `confirmBatchMs`. */
  private scheduleFlush(): void {
    this.flushing ??= new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.options.confirmBatchMs);
      timer.unref();
      this.flushNow = () => {
        clearTimeout(timer);
        resolve();
      };
    })
      .then(() => this.flush())
      .catch(this.options.onError)
      .finally(() => {
        this.flushing = undefined;
        this.flushNow = undefined;
        if (this.confirmed.length > 0) this.scheduleFlush();
      });
  }

  private async flush(): Promise<void> {
    const positions = this.confirmed;
    this.confirmed = [];
    await this.dataSource.query("DELETE FROM outbox WHERE position = ANY($1::bigint[])", [positions]);
  }

  /*
   * No transaction and no row locks: instances sweeping at once may publish an event twice, which
   * JetStream drops within its duplicate window (and handlers are idempotent anyway). So a sweep holds
   * nothing while it waits for the bus, and works the same on the embedded database's one connection.
   */
  private async sweepOnce(): Promise<number> {
    const sql = pooledSql(this.dataSource);
    const rows = await sql.rows<EventRow & { attempts: number }>(
      `SELECT ${EVENT_COLUMNS.split(", ").map((column) => `e.${column}`).join(", ")}, o.attempts
       FROM outbox o JOIN events e USING (position)
       WHERE o.enqueued_at < now() - make_interval(secs => $1::double precision / 1000) AND (o.retry_at IS NULL OR o.retry_at <= now())
       ORDER BY o.position LIMIT $2`,
      [this.options.graceMs, this.options.batchSize],
    );
    const published: string[] = [];
    try {
      for (const row of rows) {
        try {
          await this.publisher.publish(toRecordedEvent(row));
          published.push(row.position);
        } catch (error) {
          if (this.options.isTransient(error)) throw error;
          await this.recordFailure(sql, row, error);
        }
      }
    } finally {
      if (published.length > 0) await sql.rows("DELETE FROM outbox WHERE position = ANY($1::bigint[])", [published]);
    }
    return published.length;
  }

  /** Notes why `row` could not be published and when to try it again; the sweep goes on past it. */
  private async recordFailure(sql: Sql, row: EventRow & { attempts: number }, error: unknown): Promise<void> {
    const reason = error instanceof Error ? error.message : String(error);
    const delayMs = Math.min(MAX_RETRY_DELAY_MS, 1000 * 2 ** row.attempts);
    await sql.rows(
      `UPDATE outbox SET attempts = attempts + 1, last_error = $2, retry_at = now() + make_interval(secs => $3::double precision / 1000) WHERE position = $1`,
      [row.position, reason, delayMs],
    );
    this.options.onError(new Error(`event ${row.event_id} (${row.type} of ${row.stream_id}) could not be published, attempt ${row.attempts + 1}: ${reason}; retrying in ${delayMs} ms`));
  }
}
