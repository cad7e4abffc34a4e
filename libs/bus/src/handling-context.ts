import { AsyncLocalStorage } from "node:async_hooks";
import { type RecordedEvent, taskRunIdOf } from "@tasker/contracts";

/** What a service is handling: read by the logs written meanwhile (`currentHandling`). */
export interface Handling {
  /** The consumer group handling it, e.g. `executor`. */
  readonly service: string;
  /** The task run the event belongs to (its event stream). */
  readonly taskRunId?: string;
  /** The stack run the event is about, when it names one. */
  readonly stackRunId?: string;
}

const storage = new AsyncLocalStorage<Handling>();

/** The handling of `event` by `service`: its task run (for a run's event) and, when its data names one, its stack run. */
export function handlingOf(service: string, event: RecordedEvent): Handling {
  const { streamId } = event.metadata;
  const { stackRunId } = (event.data ?? {}) as { stackRunId?: unknown };
  return {
    service,
    ...(streamId.startsWith("run:") ? { taskRunId: taskRunIdOf(streamId) } : {}),
    ...(typeof stackRunId === "string" ? { stackRunId } : {}),
  };
}

/** Runs `work` as the handling of `handling`: whatever it starts (awaits, timers) sees it too. */
export function runHandling<T>(handling: Handling, work: () => T): T {
  return storage.run(handling, work);
}

/** What is being handled where this is called; undefined outside any handling. */
export function currentHandling(): Handling | undefined {
  return storage.getStore();
}
