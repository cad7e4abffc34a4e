import type { Tracer } from "@opentelemetry/api";
import type { ChosenSpanIds } from "./span-ids.js";

/** What a tracing process starts its spans with. */
export interface Tracing {
  readonly tracer: Tracer;
  /** The ids of the spans Tasker names itself (stack runs' spans). */
  readonly ids: ChosenSpanIds;
  /** Exports what is buffered and stops the SDK. */
  shutdown(): Promise<void>;
}

let current: Tracing | undefined;

/**
 * This process's tracing, or undefined when it does not trace (`startTracing` found no endpoint):
 * every span of Tasker's own starts from here, so with tracing off a span costs one check of this.
 */
export function activeTracing(): Tracing | undefined {
  return current;
}

/** Set by `startTracing` once the SDK started; undefined again after its shutdown. */
export function useTracing(tracing: Tracing | undefined): void {
  current = tracing;
}

/**
 * Exports the spans still buffered and stops tracing, if this process traces: what a process does
 * last before it exits (`closeOnSignals`). Spans are exported in batches meanwhile.
 */
export async function shutdownTracing(): Promise<void> {
  const tracing = current;
  current = undefined;
  await tracing?.shutdown();
}
