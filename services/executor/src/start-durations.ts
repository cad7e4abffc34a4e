/** A first activation quicker than this is over before anyone could see its run processing (ms). */
const QUICK_MS = 20;
/** Task versions remembered; the least recently started are forgotten past this. */
const REMEMBERED = 1000;

/**
 * How the first activation of each task version went lately, here: how long it took, and whether it
 * ended the task (completed or failed, with no call made). A root whose task starts quickly is not
 * claimed before it runs: its `stack.started` is recorded with its outcome, an append fewer, and its
 * run reads `queued` for the few milliseconds it runs. A task that starts slowly, or that this
 * instance has not run yet, is claimed first, so that its run reads `processing` meanwhile. A nested
 * task that starts quickly and ends is started before its parent's activation is recorded, and
 * recorded with it (see `Activator`).
 */
export class StartDurations {
  private readonly last = new Map<string, { ms: number; runMs: number; ended: boolean }>();

  /** Whether the first activation of `taskVersion` took less than `QUICK_MS` last time it ran here. */
  isQuick(taskVersion: string): boolean {
    const last = this.last.get(taskVersion);
    return last !== undefined && last.ms < QUICK_MS;
  }

  /**
   * Whether the first activation of `taskVersion` ran (its wait for a sandbox thread not counted) for
   * less than `QUICK_MS` and ended the task, with no call, last time it ran here.
   */
  endsQuickly(taskVersion: string): boolean {
    const last = this.last.get(taskVersion);
    return last !== undefined && last.runMs < QUICK_MS && last.ended;
  }

  /**
   * Notes how a first activation of `taskVersion` went: how long it took from its start to its report
   * (ms), how long of that it ran on its sandbox thread (`ActivationReport.runMs`), and whether it
   * ended the task with no call made.
   */
  note(taskVersion: string, ms: number, runMs: number, ended: boolean): void {
    this.last.delete(taskVersion);
    this.last.set(taskVersion, { ms, runMs, ended });
    if (this.last.size > REMEMBERED) this.last.delete(this.last.keys().next().value!);
  }
}
