import { Inject, Injectable, type OnModuleDestroy } from "@nestjs/common";
import { ENDED_STATUSES, type TaskRunView } from "@tasker/contracts";
import type { Platform } from "@tasker/platform";
import { PLATFORM } from "../platform.token.js";
import { TaskRunReader } from "./task-run-reader.js";

const ENDING_EVENTS = [".run.completed", ".run.failed", ".run.cancelled"];

/** Resolves after `ms`, when `ended` resolves, or when `signal` aborts, whichever is first; leaves no timer. */
function firstOf(ms: number, ended: Promise<void>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    if (signal.aborted) return done();
    signal.addEventListener("abort", done, { once: true });
    void ended.then(done);
  });
}

/** Holds a request until a run ends, woken by the run's own events on the bus (no polling). */
@Injectable()
export class RunWaiter implements OnModuleDestroy {
  /** Aborted when the app closes: every wait answers with the state it has. */
  private readonly closing = new AbortController();

  constructor(
    @Inject(PLATFORM) private readonly platform: Platform,
    private readonly runs: TaskRunReader,
  ) {}

  /**
   * The run, as soon as it has ended or after `seconds`, whichever is first (or when `signal` aborts:
   * the client went away); undefined when there is no such run. Subscribes to the run's `run.*` events
   * before reading its state, so an end between the read and the wait is not missed.
   */
  async waitForEnd(taskRunId: string, seconds: number, signal: AbortSignal): Promise<TaskRunView | undefined> {
    const { nats, config } = this.platform;
    let wake = () => {};
    const ended = new Promise<void>((resolve) => (wake = resolve));
    const subscription = nats.subscribe(`${config.TASKER_SUBJECT_PREFIX}.run.${taskRunId}.run.>`, {
      callback: (error, message) => {
        if (error || ENDING_EVENTS.some((suffix) => message.subject.endsWith(suffix))) wake();
      },
    });
    try {
      await nats.flush();
      const run = await this.runs.read(taskRunId);
      if (!run || ENDED_STATUSES.includes(run.status) || seconds === 0) return run;
      await firstOf(seconds * 1000, ended, AbortSignal.any([signal, this.closing.signal]));
      return await this.runs.read(taskRunId);
    } finally {
      subscription.unsubscribe();
    }
  }

  onModuleDestroy(): void {
    this.closing.abort();
  }
}
