import { useEffect, useState } from "preact/hooks";
import { api, segment } from "../api/client";
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

/** At most one re-read of the run and its tree per this many milliseconds while events pour in. */
const REFRESH_MS = 400;
/** How long to wait before following again when the event stream broke off before the run's end. */
const RECONNECT_MS = 1000;
const END_EVENTS = new Set(["run.completed", "run.failed", "run.cancelled"]);

/**
 * Follows a run: reads it and its tree, then its events over SSE (`GET /tasks/:id/events`), re-reading
 * the run and the tree after events arrive (throttled) until the run's end event; a stream that breaks
 * off is resumed after the last version received.
 */
export function useLiveRun(taskRunId: string): LiveRun {
  const [run, setRun] = useState<TaskRunView | undefined>();
  const [tree, setTree] = useState<StackRunTreeNode | undefined>();
  const [events, setEvents] = useState<StreamedEvent[]>([]);
  const [live, setLive] = useState(true);
  const [error, setError] = useState<Error | undefined>();

  useEffect(() => {
    const stop = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let reading = false;
    let again = false;

    const read = async () => {
      if (reading) return void (again = true);
      reading = true;
      // Each on its own: a run whose tree cannot be read still shows, and the other way round.
      const [nextRun, nextTree] = await Promise.allSettled([
        api<TaskRunView>(`/tasks/${segment(taskRunId)}`, { signal: stop.signal }),
        api<StackRunTreeNode>(`/tasks/${segment(taskRunId)}/tree`, { signal: stop.signal }),
      ]);
      try {
        if (stop.signal.aborted) return;
        if (nextRun.status === "fulfilled") setRun(nextRun.value);
        if (nextTree.status === "fulfilled") setTree(nextTree.value);
        const failed = [nextRun, nextTree].find((answer) => answer.status === "rejected");
        setError(failed === undefined ? undefined : (failed.reason as Error));
      } finally {
        reading = false;
        if (again && !stop.signal.aborted) {
          again = false;
          void read();
        }
      }
    };
    const readSoon = () => {
      if (timer === undefined) timer = setTimeout(() => ((timer = undefined), void read()), REFRESH_MS);
    };

    const follow = async () => {
      let after = 0;
      let ended = false;
      while (!ended && !stop.signal.aborted) {
        try {
          await readRunEvents(
            taskRunId,
            after,
            (streamed) => {
              after = streamed.version;
              if (END_EVENTS.has(streamed.event.type)) ended = true;
              setEvents((previous) => [...previous, streamed]);
              readSoon();
            },
            stop.signal,
          );
        } catch (failure) {
          if (stop.signal.aborted) return;
          setError(failure as Error);
          if ((failure as { status?: number }).status !== undefined) return;
        }
        if (!ended) await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
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
      clearTimeout(timer);
    };
  }, [taskRunId]);

  return { run, tree, events, live, error };
}
