/** How many finished pieces of work are remembered for their other copies to find. */
const REMEMBERED = 20_000;

/**
 * The work of this instance, by key (`start:<id>`, `resume:<id>#<activation>`), done once here however
 * many copies reach it: the bus delivers at least once, a resume comes through two consumers, and the
 * instance hands itself the work it just created (a nested task it called, the resume of a VM it
 * holds) without waiting for the bus. A copy finds the work done (or waits for it when under way);
 * after a failure the next copy does it again.
 */
export class LocalWork {
  private readonly outcomes = new Map<string, Promise<boolean>>();
  private readonly running = new Set<Promise<boolean>>();

  constructor(
    /** Work offered at once; beyond it, offered work waits for the bus like any other. */
    private readonly limit: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Does `work` unless it was done here; throws its error (so the bus retries the copy). */
  async run(key: string, work: () => Promise<void>): Promise<void> {
    for (let previous = this.outcomes.get(key); previous; previous = this.outcomes.get(key)) {
      if (await previous) return;
      if (this.outcomes.get(key) === previous) break; // it failed: this copy tries again
    }
    let failure: unknown;
    const succeeded = this.track(
      key,
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
   * Starts `work` on the next turn of the event loop, unless it is known here or too much runs (`urgent`
   * work, cheap and holding up others, is not counted against the limit).
   */
  offer(key: string, work: () => Promise<void>, urgent = false): void {
    if (this.outcomes.has(key) || (!urgent && this.running.size >= this.limit)) return;
    const started = new Promise<void>((resolve) => setImmediate(resolve)).then(work);
    this.track(
      key,
      started.then(
        () => true,
        (error: unknown) => {
          this.onError(error); // the bus's copy will do it
          return false;
        },
      ),
    );
  }

  /** Resolves when no work runs any more (on shutdown, before the connections close). */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }

  private track(key: string, outcome: Promise<boolean>): Promise<boolean> {
    this.running.add(outcome);
    void outcome.finally(() => this.running.delete(outcome));
    this.outcomes.set(key, outcome);
    if (this.outcomes.size > REMEMBERED) this.outcomes.delete(this.outcomes.keys().next().value!);
    return outcome;
  }
}
