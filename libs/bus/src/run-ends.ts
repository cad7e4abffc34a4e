import type { Msg, NatsConnection, Subscription } from "@nats-io/nats-core";
import { endedRunOf, patterns, type RecordedEvent, RUN_END_EVENT_TYPES, type RunCancelled, type RunCompleted, type RunFailed } from "@tasker/contracts";
import { EVENT_DATA_HEADER } from "./event-message.js";

/** A run's end as the bus carried it: `run.completed`, `run.failed` or `run.cancelled` with its metadata. */
export type RunEnd = RecordedEvent<RunCompleted | RunFailed | RunCancelled>;

/** What `subscribeToRunEnds` holds on the connection: one subscription per kind of end. */
export interface RunEndsSubscription {
  unsubscribe(): void;
}

/**
 * Calls `onEnd(taskRunId, end)` for each run of the deployment under `prefix` that ends (completed,
 * failed or cancelled) as the bus announces it; `end()` decodes the ending event on demand (see
 * `inlineRunEnd`). Core subscriptions, one per kind of end (so the bus delivers no `run.submitted`),
 * and every instance hears every end; at most once, and possibly not at all (a message lost while
 * disconnected): for what an end only makes cheaper or tidier, never for what it decides.
 */
export function subscribeToRunEnds(nats: NatsConnection, prefix: string, onEnd: (taskRunId: string, end: () => RunEnd | undefined) => void): RunEndsSubscription {
  const subscriptions: Subscription[] = patterns.runEnds.map((filter) =>
    nats.subscribe(`${prefix}.${filter}`, {
      callback: (error, msg) => {
        const ended = error ? undefined : endedRunOf(msg.subject);
        if (ended) onEnd(ended, () => inlineRunEnd(msg, ended));
      },
    }),
  );
  return { unsubscribe: () => subscriptions.forEach((subscription) => subscription.unsubscribe()) };
}

/**
 * The ending event of run `taskRunId` a message carries whole; undefined when it carries it by
 * reference (a large event: see `encodeEventMessage`) or is not such an event. Checks the shape it
 * is read by (type, run, version, time, data), not the whole schema: the data is used as written,
 * as `GET /tasks/:id` renders it from the store, and validating a large result would cost the
 * waiter what reading it back costs.
 */
export function inlineRunEnd(msg: Pick<Msg, "string" | "headers">, taskRunId: string): RunEnd | undefined {
  if (msg.headers?.get(EVENT_DATA_HEADER)) return undefined;
  let event: Partial<RunEnd> | null;
  try {
    event = JSON.parse(msg.string()) as Partial<RunEnd> | null;
  } catch {
    return undefined;
  }
  const { type, data, metadata } = event ?? {};
  const shaped =
    typeof type === "string" &&
    RUN_END_EVENT_TYPES.includes(type) &&
    typeof data === "object" &&
    data !== null &&
    data.taskRunId === taskRunId &&
    Number.isInteger(metadata?.streamVersion) &&
    typeof metadata?.recordedAt === "string";
  return shaped ? (event as RunEnd) : undefined;
}
