import { causedBy, type RecordedEvent, type TaskerEvent, taskRunIdOf, unknownRunError } from "@tasker/contracts";
import { isConcurrencyError, StreamNotFoundError } from "./errors.js";
import type { EventStore } from "./event-store.js";
import type { Condition } from "./expected-version.js";

/** A rule's decision as the store takes it: events to append if every condition holds. */
export interface DecidedAppend {
  readonly expected: readonly Condition[];
  readonly events: readonly TaskerEvent[];
}

/**
 * Appends `decision` to the run of `cause`, with metadata saying it was caused by it; resolves false
 * when its conditions no longer hold (another writer took it, or the run ended). Throws
 * `UNKNOWN_RUN` for a run this event store does not have (`prefix` is named in that error).
 */
export async function appendDecision(store: EventStore, cause: RecordedEvent, decision: DecidedAppend, prefix: string): Promise<RecordedEvent[] | false> {
  const { streamId } = cause.metadata;
  const metadata = causedBy(cause, taskRunIdOf(streamId));
  try {
    return (await store.append(streamId, decision.expected, decision.events.map((event) => ({ ...event, metadata })))).events;
  } catch (error) {
    if (isConcurrencyError(error)) return false;
    if (error instanceof StreamNotFoundError) throw unknownRunError(streamId, prefix);
    throw error;
  }
}
