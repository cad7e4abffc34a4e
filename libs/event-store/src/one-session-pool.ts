import { EventEmitter } from "node:events";
import { PGliteDriver } from "typeorm-pglite";

/** typeorm-pglite's pool: every `connect()` hands out the pool itself, the one PGlite session. */
type SessionPool = InstanceType<PGliteDriver["driver"]["Pool"]>;
type Release = (error?: unknown) => void;
type ConnectCallback = (error: unknown, client: SessionLease | null, release: Release) => void;

/** The session, lent to one holder until its release: queries after that throw. */
class SessionLease extends EventEmitter {
  private released = false;

  constructor(
    private readonly session: SessionPool,
    private readonly onRelease: () => void,
  ) {
    super();
  }

  query(...args: Parameters<SessionPool["query"]>): ReturnType<SessionPool["query"]> {
    if (this.released) return Promise.reject(new Error("embedded database: a connection was used after its release"));
    return this.session.query(...args);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.onRelease();
  }
}

/**
 * A `pg`-style pool (what TypeORM's postgres driver calls) over the one PGlite session of the embedded
 * database, lending it to one holder at a time, in the order asked: `connect(callback)` calls back once
 * the holder before has released, and `query(text, params?)` takes its turn the same way, for one
 * statement. PGlite has one session, so a holder's transaction is everyone's: without turns, an append
 * made while another holder's transaction is open would commit or roll back with it.
 *
 * The price: a holder that waits for another connection (a second query runner, a pooled query) while
 * it holds the session waits forever. Nothing of ours does (see `openDatabase` for the migration lock).
 */
export class OneSessionPool extends EventEmitter {
  private turn: Promise<void> = Promise.resolve();

  constructor(private readonly session: SessionPool) {
    super();
  }

  connect(callback: ConnectCallback): void {
    void this.lease().then((lease) => callback(null, lease, () => lease.release()));
  }

  async query(...args: Parameters<SessionPool["query"]>): ReturnType<SessionPool["query"]> {
    const lease = await this.lease();
    try {
      return await lease.query(...args);
    } finally {
      lease.release();
    }
  }

  /** Closes the PGlite instance (TypeORM's `destroy()`). */
  end(callback: (error: unknown) => void): void {
    this.session.end(callback);
  }

  private lease(): Promise<SessionLease> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const previous = this.turn;
    this.turn = previous.then(() => released);
    return previous.then(() => new SessionLease(this.session, release));
  }
}

/** The `driver` of a TypeORM data source on the embedded database in `dataDir`: pools of `OneSessionPool`. */
export function oneSessionDriver(dataDir: string): { Pool: new () => OneSessionPool } {
  const { Pool } = new PGliteDriver({ dataDir }).driver;
  return {
    Pool: class extends OneSessionPool {
      constructor() {
        super(new Pool());
      }
    },
  };
}
