import type { RecordedEvent } from "@tasker/contracts";
import { createTestDatabase, eventually, type TestDatabase } from "@tasker/testing";
import type { DataSource, QueryRunner } from "typeorm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "./database.js";
import { EventStore } from "./event-store.js";
import { eventStoreMigrations } from "./migrations/index.js";
import { existingStream, log, newStream } from "./log-streams.spec.js";

/**
 * Appends gathered into one `tasker_append_batch` statement when it meets another session's locks:
 * a batch that loses its connection, and one that a deadlock picks as its victim. PostgreSQL only:
 * the embedded database has one session, so no other session holds a lock.
 */
describe("appends gathered into one statement, against other sessions' locks", () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let store: EventStore;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await openDatabase({ url: database.url, migrations: eventStoreMigrations, poolSize: 30 });
    store = new EventStore({ dataSource });
  });

  afterAll(async () => {
    await store?.close();
    await dataSource?.destroy();
    await database?.drop();
  });

  async function messages(streamId: string): Promise<string[]> {
    return (await store.readStream(streamId)).map((event: RecordedEvent) => (event.data as { message: string }).message);
  }

  /** Another session's open transaction holding `streamId`'s row, as a concurrent append of another process does. */
  async function lockedBy(streamId: string): Promise<QueryRunner> {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    await runner.query("SELECT 1 FROM streams WHERE stream_id = $1 FOR UPDATE", [streamId]);
    return runner;
  }

  async function end(runner: QueryRunner, commit: boolean): Promise<void> {
    if (runner.isReleased) return;
    if (runner.isTransactionActive) await (commit ? runner.commitTransaction() : runner.rollbackTransaction());
    await runner.release();
  }

  /** The backend of a statement like one of `patterns` (a batch by default) waiting on a lock, once there is one. */
  async function waitingOnLock(patterns = ["%tasker_append_batch(%"]): Promise<number> {
    let pid: number | undefined;
    await eventually(async () => {
      const rows: { pid: number }[] = await dataSource.query(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE ANY($1)`,
        [patterns],
      );
      pid = rows[0]?.pid;
      return pid !== undefined;
    }, `a statement like ${patterns.join(" or ")} waits on a lock`);
    return pid!;
  }

  /** Runs `appends` while two lone appends are in flight, so that they go to the database together. */
  async function together<T>(appends: () => T): Promise<T> {
    const lone = [newStream(), newStream()].map(({ streamId, stackRunId }) => store.append(streamId, "no_stream", [log(stackRunId, "alone")]));
    const gathered = appends();
    await Promise.all(lone);
    return gathered;
  }

  it("rejects every append of a batch whose connection is lost, and stores none of them", async () => {
    const locked = await existingStream(store);
    const others = [newStream(), newStream()];
    const holder = await lockedBy(locked.streamId);
    let answers: PromiseSettledResult<unknown>[];
    try {
      // Ten appends of the locked stream keep the batch waiting on the lock a while, however long each waits.
      const appends = [...Array.from({ length: 10 }, () => locked), ...others];
      const batch = await together(() => appends.map(({ streamId, stackRunId }) => store.append(streamId, "any", [log(stackRunId, "in the batch")])));
      // Awaited from now on: the appends reject as the connection goes, which may be before the termination's own answer.
      const settled = Promise.allSettled(batch);
      await dataSource.query("SELECT pg_terminate_backend($1)", [await waitingOnLock()]);
      answers = await settled;
    } finally {
      await end(holder, false);
    }
    expect(answers.every((answer) => answer.status === "rejected")).toBe(true);
    expect(await messages(locked.streamId)).toEqual(["created"]);
    for (const { streamId } of others) expect(await messages(streamId)).toEqual([]);
    // The store goes on: the next appends are answered.
    const after = newStream();
    await store.append(after.streamId, "no_stream", [log(after.stackRunId, "after")]);
    expect(await messages(after.streamId)).toEqual(["after"]);
  });

  it("stores every append of a batch once when another session's transaction deadlocks with it", async () => {
    // Stream ids sort as they were made (UUIDv7): a batch takes `first` before `second`.
    const first = await existingStream(store);
    const second = await existingStream(store);
    const holder = await lockedBy(second.streamId);
    let holderGotFirst: unknown;
    let batch: Promise<unknown>[] = [];
    try {
      batch = await together(() => [first, second].map(({ streamId, stackRunId }) => store.append(streamId, "any", [log(stackRunId, "in the batch")])));
      // The batch, or (once it gave up its wait) the append of second sent again alone.
      await waitingOnLock(["%tasker_append_batch(%", "%INTO events%"]);
      // The batch holds first's row and waits for second's; the holder now asks for first's: a deadlock
      // (unless the batch's append of second gave up its wait first, and is to go again alone).
      holderGotFirst = await holder.query("SELECT 1 FROM streams WHERE stream_id = $1 FOR UPDATE", [first.streamId]).then(
        () => "locked",
        (error: unknown) => error,
      );
    } finally {
      await end(holder, true);
    }
    // The batch waited first, so its wait ended first: its append of second went again alone, and the holder got first's row.
    expect(holderGotFirst).toBe("locked");
    await Promise.all(batch);
    expect(await messages(first.streamId)).toEqual(["created", "in the batch"]);
    expect(await messages(second.streamId)).toEqual(["created", "in the batch"]);
  });

  it("answers an append to another stream while the statements in flight wait on a lock held elsewhere", async () => {
    const locked = await existingStream(store);
    const holder = await lockedBy(locked.streamId);
    try {
      const waiting = [1, 2].map((n) => store.append(locked.streamId, "any", [log(locked.stackRunId, `waiting ${n}`)]));
      const free = newStream();
      const answer = store.append(free.streamId, "no_stream", [log(free.stackRunId, "free")]).then(() => "appended");
      const held = new Promise((resolve) => setTimeout(() => resolve("held up"), 3000));
      expect(await Promise.race([answer, held])).toBe("appended");
      await end(holder, true);
      await Promise.all(waiting);
    } finally {
      await end(holder, true);
    }
  });

  it("stores the other appends of a batch while one of them waits on a lock held elsewhere, and that one once the lock is free", async () => {
    const locked = await existingStream(store);
    const others = [newStream(), newStream()];
    const holder = await lockedBy(locked.streamId);
    try {
      const [waiting, ...free] = await together(() => [locked, ...others].map(({ streamId, stackRunId }) => store.append(streamId, "any", [log(stackRunId, "in the batch")])));
      const held = new Promise((resolve) => setTimeout(() => resolve("held up"), 3000));
      expect(await Promise.race([Promise.all(free).then(() => "appended"), held])).toBe("appended");
      for (const { streamId } of others) expect(await messages(streamId)).toEqual(["in the batch"]);
      await end(holder, true);
      await waiting;
      expect(await messages(locked.streamId)).toEqual(["created", "in the batch"]);
    } finally {
      await end(holder, true);
    }
  });
});
