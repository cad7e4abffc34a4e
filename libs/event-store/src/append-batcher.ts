import { QueryFailedError } from "typeorm";
import { appendBatchSize } from "./append-batch-metrics.js";
import type { EventRow } from "./event-row.js";
import type { Sql } from "./sql.js";

/** One append statement (`appendStatement`) with its parameters: `$1` the stream id, `$4` the events' data (JSON text). */
export interface AppendStatement {
  readonly text: string;
  readonly params: readonly unknown[];
}

/** How much the batcher gathers: statements in flight before appends wait, and a batch's bounds. */
export interface AppendBatchLimits {
  /** Statements (alone or batches) in flight at once; an append that finds fewer is sent at once. */
  inFlight: number;
  /**
   * Milliseconds an append waits for a statement in flight to end; past that, what waits goes in one
   * statement more (up to `maxInFlight`): the statements in flight may be waiting on a lock another
   * session holds, which says nothing of the streams of the appends behind them.
   */
  stallMs: number;
  /** Statements in flight at most, those sent because the others stalled included. */
  maxInFlight: number;
  /**
   * Appends in one batch. At most 64: each is a subtransaction with its own transaction id, and a
   * transaction with more than 64 of them makes every other session's snapshots slower (subxid overflow).
   */
  maxCount: number;
  /** Characters of parameters in one batch (an append larger than this goes alone). */
  maxChars: number;
}

interface Waiting {
  readonly statement: AppendStatement;
  /** When `send` was called (`Date.now()`). */
  readonly since: number;
  readonly resolve: (rows: EventRow[]) => void;
  readonly reject: (error: unknown) => void;
}

interface BatchRow extends EventRow {
  append_index: number;
  error_code: string | null;
  error_message: string | null;
  error_detail: string | null;
}

const BATCH = "SELECT * FROM tasker_append_batch($1::json, $2::jsonb, $3::json)";
// A deadlock between two batches (their appends take the stream rows in another order), or a lock
// another session held past the batch's lock_timeout (`BATCH_LOCK_TIMEOUT`), is no conflict of the
// append itself: it goes again, alone, as it would have gone unbatched.
const SEND_AGAIN_ALONE = new Set(["40P01", "55P03"]);

/**
 * Sends append statements to the database: at once and alone while fewer than `inFlight` statements
 * are in flight (a lone append waits for nothing), else gathered with the appends that arrive
 * meanwhile into one `tasker_append_batch` call (one round trip, one transaction, each append in its
 * own subtransaction), sent as soon as a statement in flight ends, or once the oldest has waited
 * `stallMs` (then in a statement more, up to `maxInFlight`). Each append resolves
 * to its statement's rows, or rejects with the error its statement alone would have raised (a
 * `QueryFailedError` whose `driverError` has the SQLSTATE `code`, `message` and `detail`).
 */
export class AppendBatcher {
  private readonly waiting: Waiting[] = [];
  private inFlight = 0;
  /** Sends what waits once the oldest has waited `stallMs`; set while appends wait and fewer than `maxInFlight` statements are in flight. */
  private stall: NodeJS.Timeout | undefined;

  constructor(
    private readonly sql: Sql,
    private readonly limits: AppendBatchLimits,
  ) {}

  /** The rows of `statement` (none when its version condition did not hold); rejects as the statement alone would. */
  send(statement: AppendStatement): Promise<EventRow[]> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ statement, since: Date.now(), resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.limits.inFlight && this.waiting.length > 0) this.sendNext();
    this.watchStall();
  }

  private sendNext(): void {
    const batch = this.take();
    this.inFlight++;
    appendBatchSize.observe(batch.length);
    void (batch.length === 1 ? this.alone(batch[0]!) : this.together(batch)).finally(() => {
      this.inFlight--;
      this.pump();
    });
  }

  private watchStall(): void {
    const [oldest] = this.waiting;
    if (this.stall !== undefined || oldest === undefined || this.inFlight >= this.limits.maxInFlight) return;
    this.stall = setTimeout(() => {
      this.stall = undefined;
      const [first] = this.waiting;
      if (first !== undefined && Date.now() - first.since >= this.limits.stallMs && this.inFlight < this.limits.maxInFlight) this.sendNext();
      this.watchStall();
    }, Math.max(0, oldest.since + this.limits.stallMs - Date.now()));
    this.stall.unref();
  }

  /** The next batch: the appends waiting longest, within the bounds (at least one). */
  private take(): Waiting[] {
    let chars = 0;
    let count = 0;
    for (const { statement } of this.waiting) {
      chars += charsOf(statement);
      if (count > 0 && (count === this.limits.maxCount || chars > this.limits.maxChars)) break;
      count++;
    }
    return this.waiting.splice(0, count);
  }

  private async alone({ statement, resolve, reject }: Waiting): Promise<void> {
    await this.sql.rows<EventRow>(statement.text, [...statement.params], true).then(resolve, reject);
  }

  /**
   * One call for all of `batch`, its appends in stream order: batches of several processes then take
   * the stream rows they share in the same order, and do not deadlock.
   */
  private async together(batch: Waiting[]): Promise<void> {
    const ordered = [...batch].sort((a, b) => compare(streamOf(a), streamOf(b)));
    const texts: string[] = [];
    const appends = ordered.map(({ statement }) => {
      let text = texts.indexOf(statement.text);
      if (text < 0) text = texts.push(statement.text) - 1;
      const [stream, count, rows, , ...extra] = statement.params;
      return [text, stream, count, rows, ...extra].map((param) => (param === undefined || param === null || typeof param === "string" ? param ?? null : String(param)));
    });
    let rows: BatchRow[];
    try {
      rows = await this.sql.rows<BatchRow>(BATCH, [JSON.stringify(texts), JSON.stringify(appends), `[${ordered.map(({ statement }) => statement.params[3]).join(",")}]`], true);
    } catch (error) {
      for (const waiting of ordered) waiting.reject(error);
      return;
    }
    const answers = ordered.map((): BatchRow[] => []);
    for (const row of rows) answers[row.append_index]!.push(row);
    const again = ordered.filter((waiting, index) => {
      const [first] = answers[index]!;
      if (first?.error_code && SEND_AGAIN_ALONE.has(first.error_code)) return true;
      if (first?.error_code) waiting.reject(failure(waiting.statement, first));
      else waiting.resolve(answers[index]!.map(eventRow));
      return false;
    });
    for (const waiting of again) await this.alone(waiting);
  }
}

function streamOf({ statement }: Waiting): string {
  return statement.params[0] as string;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function charsOf(statement: AppendStatement): number {
  return statement.params.reduce<number>((sum, param) => sum + (typeof param === "string" ? param.length : 8), 0);
}

function eventRow({ position, stream_id, version, event_id, type, data, metadata, recorded_at }: BatchRow): EventRow {
  return { position, stream_id, version, event_id, type, data, metadata, recorded_at };
}

/** The error the statement alone would have raised, as the driver and TypeORM would have given it. */
function failure(statement: AppendStatement, row: BatchRow): QueryFailedError {
  const driverError = Object.assign(new Error(row.error_message ?? ""), { code: row.error_code, detail: row.error_detail ?? undefined, severity: "ERROR" });
  return new QueryFailedError(statement.text, [...statement.params], driverError);
}
