import type { NewEvent, RecordedEvent } from "@tasker/contracts";
import { withSpan } from "@tasker/telemetry";
import type { DataSource, QueryRunner } from "typeorm";
import { append } from "./append.js";
import { type AppendBatchLimits, AppendBatcher } from "./append-batcher.js";
import { appendSpan } from "./append-span.js";
import { projectClause } from "./append-sql.js";
import type { ExpectedVersion } from "./expected-version.js";
import { type EventPublisher, Outbox, type OutboxOptions } from "./outbox.js";
import type { Projection } from "./projection.js";
import { readAll, readEvent, readSince, readStream } from "./read.js";
import { pooledSql, sqlOf } from "./sql.js";

export interface EventStoreOptions {
  dataSource: DataSource;
  /** Read models kept in the same transaction as every append. */
  projections?: readonly Projection[];
  /** The bus; without one, events stay in the outbox until a store with a publisher sweeps them. */
  publisher?: EventPublisher;
  outbox?: Partial<OutboxOptions>;
}

export interface AppendResult {
  /** The stream's version after the append: the `expected` of the writer's next append. */
  nextExpectedVersion: number;
  events: RecordedEvent[];
}

const REBUILD_PAGE = 1000;

// A lone append, or a second one beside it, goes at once; what arrives behind two gathers into batches,
// and goes in a statement more when those two have not ended in 100 ms (they may wait on a lock).
const APPEND_BATCH: AppendBatchLimits = { inFlight: 2, stallMs: 100, maxInFlight: 8, maxCount: 64, maxChars: 1 << 20 };

/** The append-only log of every stream, its read models, and its outbox to the bus. */
export class EventStore {
  private readonly dataSource: DataSource;
  private readonly projections: readonly Projection[];
  private readonly outbox: Outbox | undefined;
  private readonly batcher: AppendBatcher;

  constructor(options: EventStoreOptions) {
    this.dataSource = options.dataSource;
    this.projections = options.projections ?? [];
    this.batcher = new AppendBatcher(pooledSql(options.dataSource), APPEND_BATCH);
    this.outbox =
      options.publisher &&
      new Outbox(options.dataSource, options.publisher, {
        sweepIntervalMs: 1000,
        graceMs: 2000,
        batchSize: 500,
        confirmBatchMs: 100,
        onError: () => undefined,
        isTransient: () => false,
        ...options.outbox,
      });
    this.outbox?.start();
  }

  /**
   * Appends `events` to `streamId` in one transaction with the projections' updates, if `expected`
   * holds; otherwise throws `ConcurrencyError` and writes nothing. Invalid events throw
   * `InvalidEventError` (naming the field) and write nothing. Published to the bus after commit.
   * Appends made while others are under way go to the database together, each still all or nothing
   * on its own (`AppendBatcher`).
   */
  async append(streamId: string, expected: ExpectedVersion, events: readonly NewEvent[]): Promise<AppendResult> {
    const recorded = await withSpan("append", () => appendSpan(streamId, events), () =>
      append(pooledSql(this.dataSource), (statement) => this.batcher.send(statement), this.projections, streamId, expected, events),
    );
    this.outbox?.afterCommit(recorded);
    return { nextExpectedVersion: recorded.at(-1)!.metadata.streamVersion, events: recorded };
  }

  readStream(streamId: string, fromVersion?: number, limit?: number): Promise<RecordedEvent[]> {
    return readStream(pooledSql(this.dataSource), streamId, fromVersion, limit);
  }

  /** One event, by its stream and version (what a message sent by reference names); undefined when absent. */
  readEvent(streamId: string, version: number): Promise<RecordedEvent | undefined> {
    return readEvent(pooledSql(this.dataSource), streamId, version);
  }

  readAll(afterPosition: number, limit: number): Promise<RecordedEvent[]> {
    return readAll(pooledSql(this.dataSource), afterPosition, limit);
  }

  /** Up to `limit` events of all streams recorded at or after `since`, after position `afterPosition`, in position order. */
  readSince(since: Date, afterPosition: number, limit: number): Promise<RecordedEvent[]> {
    return readSince(pooledSql(this.dataSource), since, afterPosition, limit);
  }

  /**
   * Empties every read model and replays all events into it, in one transaction that holds appends
   * back meanwhile. Returns how many events were replayed.
   */
  rebuildProjections(): Promise<number> {
    return this.transaction(async (runner) => {
      await runner.query("LOCK TABLE events IN EXCLUSIVE MODE");
      const tables = this.projections.flatMap((projection) => projection.tables);
      if (tables.length > 0) await runner.query(`TRUNCATE ${tables.join(", ")}`);
      const sql = sqlOf(runner);
      let replayed = 0;
      for (let after = 0; ; ) {
        const [page] = await sql.rows<{ events: number; last: string | null }>(
          `WITH page AS (SELECT * FROM events WHERE position > $1 ORDER BY position LIMIT $2),
             projected AS (${projectClause(this.projections, "page")})
           SELECT count(*)::int AS events, max(page.position) AS last FROM page, projected`,
          [after, REBUILD_PAGE],
        );
        if (!page || page.events === 0) return replayed;
        replayed += page.events;
        after = Number(page.last);
      }
    });
  }

  /** Waits for publishes under way, stops the sweeper. Does not close the data source (its owner does). */
  async close(): Promise<void> {
    await this.outbox?.stop();
  }

  private async transaction<T>(work: (runner: QueryRunner) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const result = await work(runner);
      await runner.commitTransaction();
      return result;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      throw error;
    } finally {
      await runner.release();
    }
  }
}
