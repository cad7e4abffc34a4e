import type { Sql } from "@tasker/event-store";
import { type ClaimedTimer, claimDueTimers } from "./sql/claim-due-timers.js";
import { msUntilNextDue } from "./sql/ms-until-next-due.js";
import type { Firing } from "./timer-firer.js";

export interface TimerPollerOptions {
  readonly sql: Sql;
  /** Fires one claimed timer (`TimerFirer.fire`). */
  readonly fire: (timer: ClaimedTimer) => Promise<Firing>;
  /** Timers fired at once, at most (`TASKER_TIMER_CONCURRENCY`). */
  readonly concurrency: number;
  /** How long a claim keeps other instances off a timer, in ms (`TASKER_TIMER_CLAIM_MS`). */
  readonly claimMs: number;
  /** The longest pause between two looks, in ms (`TASKER_TIMER_POLL_MS`): how soon a timer made elsewhere is seen. */
  readonly pollMs: number;
  /** A timer could not be fired (it is fired again once its claim runs out). */
  readonly onFireError: (timer: ClaimedTimer, error: unknown) => void;
  /** A look at the `timers` table failed (looked again after `pollMs`). */
  readonly onPollError: (error: unknown) => void;
}

/**
 * Fires due timers from the `timers` table: claims as many as it has free slots (`concurrency`), fires
 * each in the background, and looks again at once while it finds a full batch, else when the next
 * timer is due but after `pollMs` at most, or as soon as a slot frees when all are busy. A look costs
 * two index steps whatever the number of sleeping runs. Owns its loop and the firings under way:
 * `stop()` ends the loop and waits for them.
 */
export class TimerPoller {
  private readonly firing = new Set<Promise<void>>();
  private loop: Promise<void> = Promise.resolve();
  private stopped = true;
  private interrupt: ((reason: "stop" | "slot") => void) | undefined;

  constructor(private readonly options: TimerPollerOptions) {}

  start(): void {
    this.stopped = false;
    this.loop = this.run();
  }

  /** Stops looking; waits for the look and the firings under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.interrupt?.("stop");
    await this.loop;
    await Promise.all(this.firing);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let pauseMs: number;
      try {
        pauseMs = await this.look();
      } catch (error) {
        this.options.onPollError(error);
        pauseMs = this.options.pollMs;
      }
      await this.pause(pauseMs);
    }
  }

  /** One look: claims and starts what is due; returns how long to pause before the next one. */
  private async look(): Promise<number> {
    const { sql, concurrency, claimMs, pollMs } = this.options;
    const free = concurrency - this.firing.size;
    if (free <= 0) return pollMs;
    const claimed = await claimDueTimers(sql, claimMs, free);
    for (const timer of claimed) this.launch(timer);
    if (claimed.length === free) return 0;
    const nextMs = await msUntilNextDue(sql);
    return Math.min(pollMs, Math.max(1, nextMs ?? pollMs));
  }

  private launch(timer: ClaimedTimer): void {
    const done: Promise<void> = this.options
      .fire(timer)
      .then(
        () => undefined,
        (error: unknown) => this.options.onFireError(timer, error),
      )
      .finally(() => {
        this.firing.delete(done);
        // A slot freed: when every slot was busy, the loop waits for this.
        if (this.firing.size === this.options.concurrency - 1) this.interrupt?.("slot");
      });
    this.firing.add(done);
  }

  /** Waits `ms`, or less when stopped or when a slot frees while all were busy. */
  private pause(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const full = this.firing.size >= this.options.concurrency;
      let timeout: NodeJS.Timeout | undefined = undefined;
      const done = () => {
        clearTimeout(timeout);
        this.interrupt = undefined;
        resolve();
      };
      this.interrupt = (reason) => {
        if (reason === "stop" || full) done();
      };
      timeout = setTimeout(done, ms);
    });
  }
}
