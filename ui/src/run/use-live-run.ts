import { useEffect, useState } from "preact/hooks";
import { api, ApiError, segment } from "../api/client";
import { readRunEvents, type StreamedEvent } from "../api/run-event-stream";
import type { StackRunTreeNode, TaskRunView } from "../api/types";

/** A run as the page shows it: the run, its call tree, its raw events so far, and whether it is still followed live. */
export interface LiveRun {
  run: TaskRunView | undefined;
  tree: StackRunTreeNode | undefined;
  events: StreamedEvent[];
  live: boolean;
  error: Error | undefined;
}

/** At least this long between two reads of the run and its tree while events pour in (longer when a read takes longer: a large run). */
const REFRESH_MS = 400;
/** Events arriving within this long are shown together (a long history arrives at once). */
const EVENT_BATCH_MS = 100;
/** How long to wait before following again when the event stream broke off before the run's end. */
const RECONNECT_MS = 1000;
const END_EVENTS = new Set(["run.completed", "run.failed", "run.cancelled"]);

/**
 * Follows a run: reads it and its tree, then its events over SSE (`GET /tasks/:id/events`), reading
 * the run and the tree again after events arrive (throttled) until the run's end event; a stream that
 * breaks off is resumed after the last version received.
 */
export function useLiveRun(taskRunId: string): LiveRun {
  const [run, setRun] = useState<TaskRunView | undefined>();
  const [tree, setTree] = useState<StackRunTreeNode | undefined>();
  const [events, setEvents] = useState<StreamedEvent[]>([]);
  const [live, setLive] = useState(true);
  const [error, setError] = useState<Error | undefined>();

  useEffect(() => {
    const stop = new AbortController();
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const later = (ms: number, action: () => void) => {
      const timer = setTimeout(() => (timers.delete(timer), action()), ms);
      timers.add(timer);
    };

    let reading = false;
    let readAgain = false;
    let readScheduled = false;
    let lastReadMs = 0;
    const read = async () => {
      if (reading) return void (readAgain = true);
      reading = true;
      const started = performance.now();
      // Each on its own: a run whose tree cannot be read still shows, and the other way round.
      const [nextRun, nextTree] = await Promise.allSettled([
        api<TaskRunView>(`/tasks/${segment(taskRunId)}`, { signal: stop.signal }),
        api<StackRunTreeNode>(`/tasks/${segment(taskRunId)}/tree`, { signal: stop.signal }),
      ]);
      lastReadMs = performance.now() - started;
      reading = false;
      if (stop.signal.aborted) return;
      if (nextRun.status === "fulfilled") setRun(nextRun.value);
      if (nextTree.status === "fulfilled") setTree(nextTree.value);
      const failed = [nextRun, nextTree].find((answer) => answer.status === "rejected");
      setError(failed === undefined ? undefined : (failed.reason as Error));
      if (readAgain) {
        readAgain = false;
        void read();
      }
    };
    const readSoon = () => {
      if (readScheduled) return;
      readScheduled = true;
      later(Math.max(REFRESH_MS, 2 * lastReadMs), () => ((readScheduled = false), void read()));
    };

    let arrived: StreamedEvent[] = [];
    const show = (streamed: StreamedEvent) => {
      if (arrived.length === 0)
        later(EVENT_BATCH_MS, () => {
          const batch = arrived;
          arrived = [];
          setEvents((previous) => previous.concat(batch));
        });
      arrived.push(streamed);
    };

    const follow = async () => {
      let after = 0;
      let ended = false;
      const onEvent = (streamed: StreamedEvent) => {
        after = streamed.version;
        if (END_EVENTS.has(streamed.event.type)) ended = true;
        show(streamed);
        readSoon();
      };
      while (!ended && !stop.signal.aborted) {
        try {
          await readRunEvents(taskRunId, after, onEvent, stop.signal);
        } catch (failure) {
          if (stop.signal.aborted) return;
          setError(failure as Error);
          // The gateway refused the stream (an unknown run, a key no longer valid): following again would not help.
          if (failure instanceof ApiError) return;
        }
        if (!ended) await new Promise((resolve) => later(RECONNECT_MS, () => resolve(undefined)));
      }
      if (!stop.signal.aborted) {
        setLive(false);
        void read();
      }
    };

    void read();
    void follow();
    return () => {
      stop.abort();
      for (const timer of timers) clearTimeout(timer);
    };
  }, [taskRunId]);

  return { run, tree, events, live, error };
}
