import type { RecordedEvent } from "@tasker/contracts";
import type { DataSource } from "typeorm";
import { EVENT_COLUMNS, type EventRow, toRecordedEvent } from "./event-row.js";
import { pooledSql } from "./sql.js";

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
  onError(error: unknown): void;
}

/**
 * Publishes events right after their commit, and sweeps up any that a crash or an outage left
 * unpublished. Confirmed events leave the outbox in batches, off the append's path.
 */
export class Outbox {
  private readonly inFlight = new Set<Promise<void>>();
  private confirmed: string[] = [];
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<number> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
    private readonly options: OutboxOptions,
  ) {}

  /** Starts publishing `events` (already committed); does not wait for the bus. */
  afterCommit(events: readonly RecordedEvent[]): void {
    const publishing = this.publishAll(events)
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
    while (this.flushing) await this.flushing;
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

  /** Deletes confirmed events in batches: one statement for whatever was confirmed meanwhile. */
  private scheduleFlush(): void {
    this.flushing ??= new Promise((resolve) => setImmediate(resolve))
      .then(() => this.flush())
      .catch(this.options.onError)
      .finally(() => {
        this.flushing = undefined;
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
    const rows = await sql.rows<EventRow>(
      `SELECT ${EVENT_COLUMNS.split(", ").map((column) => `e.${column}`).join(", ")}
       FROM outbox o JOIN events e USING (position)
       WHERE o.enqueued_at < now() - make_interval(secs => $1::double precision / 1000)
       ORDER BY o.position LIMIT $2`,
      [this.options.graceMs, this.options.batchSize],
    );
    const published: string[] = [];
    try {
      for (const row of rows) {
        await this.publisher.publish(toRecordedEvent(row));
        published.push(row.position);
      }
    } finally {
      if (published.length > 0) await sql.rows("DELETE FROM outbox WHERE position = ANY($1::bigint[])", [published]);
    }
    return published.length;
  }
}
