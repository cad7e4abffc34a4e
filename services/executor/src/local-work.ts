import { FairQueue, type Share } from "@tasker/sandbox";

/** How many finished pieces of work are remembered for their other copies to find. */
const REMEMBERED = 20_000;

/** Offered work waiting for its turn here. */
interface Queued {
  readonly key: string;
  readonly eventId: string;
  readonly share: Share;
  readonly work: () => Promise<void>;
}

export interface LocalWorkOptions {
  /** Offered pieces of one run running at once (default a quarter of the limit, at least 1). */
  perRun?: number;
  /** Offered pieces waiting at most; beyond it, offered work is left to the bus (default 64 × the limit). */
  maxQueued?: number;
}

/**
 * The work of this instance, by key (`start:<id>`, `resume:<id>#<activation>`), done once here however
 * many copies reach it: the bus delivers at least once, a resume comes through two consumers, and the
 * instance hands itself the work it just created (a nested task it called, the resume of a VM it
 * holds) without waiting for the bus. A copy finds the work done (or waits for it when under way);
 * after a failure the next copy does it again.
 *
 * Offered work waits its turn in a `FairQueue`: runs interleave, and one run has at most `perRun`
 * pieces running here, so a fan-out of hundreds is not started ahead of everyone else's work. A
 * piece still waiting when its copy from the bus arrives is done by that copy, in the bus's turn.
 *
 * The events whose work was done here, or is under way, are remembered by id (`handled`), so that
 * their copies from the bus are acknowledged before they are even decoded.
 */
export class LocalWork {
  private readonly outcomes = new Map<string, Promise<boolean>>();
  /** The outcome of the work of each event done or under way here, by event id. */
  private readonly byEvent = new Map<string, boolean | Promise<boolean>>();
  private readonly running = new Set<Promise<boolean>>();
  private readonly queue: FairQueue<Queued>;
  private readonly queued = new Map<string, Queued>();
  private readonly maxQueued: number;
  private closing = false;

  constructor(
    /** Work running at once (from the bus and offered) beyond which offered work waits. */
    private readonly limit: number,
    private readonly onError: (error: unknown) => void,
    options: LocalWorkOptions = {},
  ) {
    this.queue = new FairQueue({ maxRunningPerRun: options.perRun ?? Math.max(1, Math.floor(limit / 4)) });
    this.maxQueued = options.maxQueued ?? limit * 64;
  }

  /** Does `work` (what event `eventId` carries) unless it was done here; throws its error (so the bus retries the copy). */
  async run(key: string, eventId: string, work: () => Promise<void>): Promise<void> {
    const waiting = this.queued.get(key);
    if (waiting) {
      // Offered and not started yet: this copy does it now.
      this.queue.delete(waiting);
      this.queued.delete(key);
    }
    for (let previous = this.outcomes.get(key); previous; previous = this.outcomes.get(key)) {
      if (await previous) return;
      if (this.outcomes.get(key) === previous) break; // it failed: this copy tries again
    }
    let failure: unknown;
    const succeeded = this.track(
      key,
      eventId,
      work().then(
        () => true,
        (error: unknown) => {
          failure = error;
          return false;
        },
      ),
    );
    if (!(await succeeded)) throw failure;
  }

  /**
   * Offers work this instance just created: `urgent` work (cheap, and holding up others: a resume of
   * a VM held here) starts on the next turn of the event loop; work of a `share` waits its turn, or
   * is left to the bus when too much waits. Work known here already is not offered again.
   */
  offer(key: string, eventId: string, work: () => Promise<void>, share: Share | "urgent"): void {
    if (this.closing || this.outcomes.has(key) || this.queued.has(key)) return;
    if (share === "urgent") {
      this.start(key, eventId, work, undefined, Promise.resolve());
      return;
    }
    if (this.queued.size >= this.maxQueued) return;
    const queued = { key, eventId, share, work };
    this.queued.set(key, queued);
    this.queue.push(queued, share);
    setImmediate(() => this.startWaiting());
  }

  /**
   * Whether the work event `eventId` carried was done here (see `run`, `offer` and `noteHandled`): true
   * or false, or, while it is under way, whether it will have succeeded. False when not known here.
   */
  handled(eventId: string): boolean | Promise<boolean> {
    return this.byEvent.get(eventId) ?? false;
  }

  /** Notes that the work event `eventId` carried is done: recorded here with other work (a nested start that ended with its parent's append). */
  noteHandled(eventId: string): void {
    this.remember(eventId, true);
  }

  /** Offered work waiting, per namespace. */
  depthByNamespace(): Map<string, number> {
    return this.queue.depthByNamespace();
  }

  /** Forgets the work waiting, and resolves when no work runs any more (on shutdown, before the connections close). */
  async drain(): Promise<void> {
    this.closing = true;
    for (const queued of this.queued.values()) this.queue.delete(queued);
    this.queued.clear();
    while (this.running.size > 0) await Promise.all(this.running);
  }

  /** Starts waiting work while fewer than `limit` pieces run. */
  private startWaiting(): void {
    while (!this.closing && this.running.size < this.limit) {
      const next = this.queue.take();
      if (!next) return;
      this.queued.delete(next.key);
      const began = performance.now();
      this.start(next.key, next.eventId, next.work, () => this.queue.charge(next.share, performance.now() - began));
    }
  }

  private start(key: string, eventId: string, work: () => Promise<void>, ended?: () => void, turn = nextTurn()): void {
    const started = turn.then(work);
    const outcome = started.then(
      () => true,
      (error: unknown) => {
        this.onError(error); // the bus's copy will do it
        return false;
      },
    );
    this.track(key, eventId, outcome, ended);
  }

  /** Counts `outcome` (the work of event `eventId`) as running until it settles; then `ended`, and the next waiting work. */
  private track(key: string, eventId: string, outcome: Promise<boolean>, ended?: () => void): Promise<boolean> {
    this.running.add(outcome);
    this.remember(eventId, outcome);
    void outcome.finally(() => {
      this.running.delete(outcome);
      ended?.();
      this.startWaiting();
    });
    this.outcomes.set(key, outcome);
    if (this.outcomes.size > REMEMBERED) this.outcomes.delete(this.outcomes.keys().next().value!);
    return outcome;
  }

  private remember(eventId: string, outcome: boolean | Promise<boolean>): void {
    this.byEvent.set(eventId, outcome);
    if (this.byEvent.size > REMEMBERED) this.byEvent.delete(this.byEvent.keys().next().value!);
  }
}

function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}
