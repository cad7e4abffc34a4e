/** A first activation quicker than this is over before anyone could see its run processing (ms). */
const QUICK_MS = 20;
/** Task versions remembered; the least recently started are forgotten past this. */
const REMEMBERED = 1000;

/**
 * How long the first activation of each task version took lately, here. A root whose task starts
 * quickly is not claimed before it runs: its `stack.started` is recorded with its outcome, an append
 * fewer, and its run reads `queued` for the few milliseconds it runs. A task that starts slowly, or
 * that this instance has not run yet, is claimed first, so that its run reads `processing` meanwhile.
 */
export class StartDurations {
  private readonly lastMs = new Map<string, number>();

  /** Whether the first activation of `taskVersion` took less than `QUICK_MS` last time it ran here. */
  isQuick(taskVersion: string): boolean {
    const last = this.lastMs.get(taskVersion);
    return last !== undefined && last < QUICK_MS;
  }

  /** Notes how long a first activation of `taskVersion` took (ms). */
  note(taskVersion: string, ms: number): void {
    this.lastMs.delete(taskVersion);
    this.lastMs.set(taskVersion, ms);
    if (this.lastMs.size > REMEMBERED) this.lastMs.delete(this.lastMs.keys().next().value!);
  }
}
