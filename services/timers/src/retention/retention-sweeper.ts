import type { SweepOutcome } from "./sweep-ended-runs.js";

/** How often a timers instance sweeps ended runs past the retention horizon. */
const SWEEP_EVERY_MS = 3600 * 1000;

export interface RetentionSweeperOptions {
  /** One sweep at the given time (`sweepEndedRuns` with the deployment's `TASKER_RETENTION_DAYS`), ended early once `signal` aborts. */
  readonly sweep: (now: Date, signal: AbortSignal) => Promise<SweepOutcome>;
  readonly onSwept: (outcome: SweepOutcome) => void;
  /** A sweep failed; the next one comes at its hour. */
  readonly onError: (error: unknown) => void;
}

/**
 * Sweeps once at `start()` and then every hour, one sweep at a time. Owns its timer
 * and the sweep under way: `stop()` clears the one and ends the other after its batch under way.
 */
export class RetentionSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private readonly stopping = new AbortController();

  constructor(private readonly options: RetentionSweeperOptions) {}

  start(): void {
    this.running = this.sweepOnce();
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.sweepOnce());
    }, SWEEP_EVERY_MS);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.stopping.abort();
    await this.running;
  }

  private async sweepOnce(): Promise<void> {
    try {
      this.options.onSwept(await this.options.sweep(new Date(), this.stopping.signal));
    } catch (error) {
      this.options.onError(error);
    }
  }
}
