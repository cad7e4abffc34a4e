import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from "@nestjs/common";
import { type RunEnd, type RunEndsSubscription, subscribeToRunEnds } from "@tasker/bus";
import { ENDED_STATUSES, type TaskRunView } from "@tasker/contracts";
import type { Platform } from "@tasker/platform";
import { PLATFORM } from "../platform.token.js";
import { firstOf } from "./first-of.js";
import { RecentRunEnds } from "./recent-run-ends.js";
import { TaskRunReader } from "./task-run-reader.js";
import { type RunSubmission, viewFromEnd } from "./view-from-end.js";

/** Wakes a wait with the run's ending event, or undefined when the message did not carry it whole. */
type Wake = (end: RunEnd | undefined) => void;

/**
 * Holds requests until their run ends, woken by the runs' own events on the bus (no polling). One
 * subscription per kind of end, to every run's, serves all waits: a wait costs no round trip to NATS.
 * A wait woken by an end that tells all the view needs answers from it (`viewFromEnd`), without
 * reading the run back; its ending event is decoded only when someone waits for the run.
 */
@Injectable()
export class RunWaiter implements OnModuleInit, OnModuleDestroy {
  /** Aborted when the app closes: every wait answers with the state it has. */
  private readonly closing = new AbortController();
  private readonly waiting = new Map<string, Set<Wake>>();
  private readonly recentEnds = new RecentRunEnds();
  private subscription: RunEndsSubscription | undefined;

  constructor(
    @Inject(PLATFORM) private readonly platform: Platform,
    private readonly runs: TaskRunReader,
  ) {}

  /** Subscribes, and makes sure the server has the subscription before the first wait relies on it. */
  async onModuleInit(): Promise<void> {
    const { nats, config } = this.platform;
    this.subscription = subscribeToRunEnds(nats, config.TASKER_SUBJECT_PREFIX, (ended, end) => {
      this.recentEnds.add(ended);
      const wakes = this.waiting.get(ended);
      if (!wakes) return;
      const event = end();
      for (const wake of wakes) wake(event);
    });
    await nats.flush();
  }

  /**
   * The run, as soon as it has ended or after `seconds`, whichever is first (or when `signal` aborts:
   * the client went away); undefined when there is no such run in `namespace`. The wait is registered before the
   * state is read, so an end between the read and the wait is not missed. Woken by the end, it answers
   * from the first read and the ending event when they tell all (`viewFromEnd`), else reads again.
   */
  waitForEnd(namespace: string, taskRunId: string, seconds: number, signal: AbortSignal): Promise<TaskRunView | undefined> {
    return this.held(taskRunId, async (ended) => {
      const run = await this.runs.read(namespace, taskRunId);
      if (!run || ENDED_STATUSES.includes(run.status) || seconds === 0) return run;
      const end = await firstOf(seconds * 1000, ended, this.until(signal));
      return (end && viewFromEnd(run, end)) ?? (await this.runs.read(namespace, taskRunId));
    });
  }

  /**
   * The run `taskRunId` the caller has just submitted (or found by its idempotency key, not ended when
   * it looked), as soon as the bus announces its end, or after `seconds` (or when `signal` aborts);
   * undefined when there is no such run in `namespace`. Nothing is read before the wait. Woken by the
   * end, it answers from `submission` (the run's `run.submitted` as recorded; undefined for a run found
   * by its key) and the ending event when they tell all (`viewFromEnd`); else it reads the run once. An
   * end announced between the submit and this call is remembered (`RecentRunEnds`: then the run is
   * read at once), and a missed announcement costs only the wait, never a wrong answer.
   */
  waitForSubmitted(namespace: string, taskRunId: string, submission: RunSubmission | undefined, seconds: number, signal: AbortSignal): Promise<TaskRunView | undefined> {
    return this.held(taskRunId, async (ended) => {
      const end = this.recentEnds.has(taskRunId) ? undefined : await firstOf(seconds * 1000, ended, this.until(signal));
      return (submission && end && viewFromEnd(submission, end)) ?? (await this.runs.read(namespace, taskRunId));
    });
  }

  onModuleDestroy(): void {
    this.closing.abort();
    this.subscription?.unsubscribe();
  }

  private until(signal: AbortSignal): AbortSignal {
    return AbortSignal.any([signal, this.closing.signal]);
  }

  /**
   * Runs `wait` with a promise resolved when the bus announces the run's end (with its ending event, when
   * the message carried it whole); the registration lives exactly as long as `wait`.
   */
  private async held<T>(taskRunId: string, wait: (ended: Promise<RunEnd | undefined>) => Promise<T>): Promise<T> {
    let wake: Wake = () => {};
    const ended = new Promise<RunEnd | undefined>((resolve) => (wake = resolve));
    const wakes = this.waiting.get(taskRunId) ?? new Set<Wake>();
    this.waiting.set(taskRunId, wakes.add(wake));
    try {
      return await wait(ended);
    } finally {
      wakes.delete(wake);
      if (wakes.size === 0) this.waiting.delete(taskRunId);
    }
  }
}
