import { Inject, Injectable, type OnModuleDestroy } from "@nestjs/common";
import { ENDED_STATUSES, type RecordedEvent, RUN_END_EVENT_TYPES, runHistoryFilter, runStreamId } from "@tasker/contracts";
import type { Platform } from "@tasker/platform";
import { PLATFORM } from "../platform.token.js";
import { firstOf } from "./first-of.js";
import { TaskRunReader } from "./task-run-reader.js";

/** How often a follower reads the store when the bus has said nothing: a message lost while disconnected only delays. */
const POLL_MS = 1000;
/**
 * Events a follower reads at once: what it holds for a client that reads slowly. An event may carry
 * up to a MiB (a call's result), and a run may record thousands.
 */
const PAGE = 16;

/**
 * A run's recorded events, live. The event store is the source of truth: every event is read from it
 * in version order (resolved in full, as `tasker events` reads them); the bus subject of the run's
 * history only says when to read again, so a message delivered late, twice or not at all never
 * reorders, repeats or loses an event.
 */
@Injectable()
export class RunEventFeed implements OnModuleDestroy {
  /** Aborted when the app closes: every follower ends. */
  private readonly closing = new AbortController();

  constructor(
    @Inject(PLATFORM) private readonly platform: Platform,
    private readonly runs: TaskRunReader,
  ) {}

  /** Aborted when the app closes: a sender waiting on a slow client stops waiting. */
  get closed(): AbortSignal {
    return this.closing.signal;
  }

  /** Whether `taskRunId` is a run of `namespace` (another namespace's run is as if there were none). */
  async exists(namespace: string, taskRunId: string): Promise<boolean> {
    return (await this.runs.status(namespace, taskRunId)) !== undefined;
  }

  /**
   * The run's events after version `afterVersion` (0: all), in version order, each once; waits for
   * the next ones as they are recorded, and returns after the run's end event (`run.completed`,
   * `run.failed`, `run.cancelled`) — at once when the run has ended and no event after
   * `afterVersion` remains — or when `signal` aborts (the client went away) or the app closes.
   * The caller checks the run's namespace first (`exists`).
   */
  async *follow(namespace: string, taskRunId: string, afterVersion: number, signal: AbortSignal): AsyncGenerator<RecordedEvent> {
    const stop = AbortSignal.any([signal, this.closing.signal]);
    const { nats, config, store } = this.platform;
    let wake = () => {};
    let woken = false;
    // Subscribed before the first read: an event recorded between the read and the wait still wakes it.
    const subscription = nats.subscribe(runHistoryFilter(config.TASKER_SUBJECT_PREFIX, taskRunId), {
      callback: () => {
        woken = true;
        wake();
      },
    });
    try {
      await nats.flush();
      let last = afterVersion;
      while (!stop.aborted) {
        woken = false;
        // Read before the events: once the run is seen ended, its end event is readable.
        const endedBefore = await this.hasEnded(namespace, taskRunId);
        const page = await store.readStream(runStreamId(taskRunId), last + 1, PAGE);
        for (const event of page) {
          // Versions are dense; a gap would be an append not yet visible: read again rather than skip it.
          if (event.metadata.streamVersion !== last + 1 || stop.aborted) break;
          last = event.metadata.streamVersion;
          yield event;
          if (RUN_END_EVENT_TYPES.includes(event.type)) return;
        }
        // A full page, all sent: the next may follow at once.
        if (page.length === PAGE && page.at(-1)!.metadata.streamVersion === last) continue;
        // Ended, and the client already has the end (its cursor was past it).
        if (endedBefore) return;
        if (!woken) await firstOf(POLL_MS, new Promise<void>((resolve) => (wake = resolve)), stop);
      }
    } finally {
      subscription.unsubscribe();
    }
  }

  private async hasEnded(namespace: string, taskRunId: string): Promise<boolean> {
    const run = await this.runs.status(namespace, taskRunId);
    return run === undefined || ENDED_STATUSES.includes(run.status);
  }

  onModuleDestroy(): void {
    this.closing.abort();
  }
}
