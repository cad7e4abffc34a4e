import { causedBy, type RecordedEvent, type StackCreated, taskRunIdOf, unknownRunError } from "@tasker/contracts";
import { type EventStore, isConcurrencyError, StreamNotFoundError } from "@tasker/event-store";
import { type Decision, decideStart, type RunStates, type Start } from "@tasker/run-model";

/**
 * Appends `decision`, caused by `cause`; false when its conditions no longer hold (another writer
 * took it, or the run ended). Throws `UNKNOWN_RUN` for a run this event store does not have.
 */
export async function appendDecision(store: EventStore, cause: RecordedEvent, decision: Decision, prefix: string): Promise<RecordedEvent[] | false> {
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

/**
 * Claims the start of a stack run (the run-model's `decideStart`). Resolves false when its first
 * activation was recorded already, or the run ended: there is nothing to do.
 */
export async function claimStart(store: EventStore, runs: RunStates, created: RecordedEvent<StackCreated>, start: Start, prefix: string): Promise<boolean> {
  const recorded = await appendDecision(store, created, decideStart(created.data.stackRunId, start), prefix);
  if (recorded) runs.absorb(created.metadata.streamId, recorded);
  return recorded !== false;
}
