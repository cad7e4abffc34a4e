import { causedBy, type RecordedEvent, type StackCreated, type StackStarted, taskRunIdOf, unknownRunError } from "@tasker/contracts";
import { type EventStore, isConcurrencyError, StreamNotFoundError } from "@tasker/event-store";
import { type Decision, RUN_OPEN, type RunStates, stackGuard } from "@tasker/run-model";

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

/** Who takes a start: this worker, the attempt (the delivery of its message: 1, more after a worker was lost), the lease. */
export type Start = Omit<StackStarted["data"], "stackRunId">;

/**
 * Claims the start of a stack run: `stack.started`, on condition that the start was not recorded
 * (the stack run's guard is still at 0) and the run is open. Resolves false when it was, or the run
 * ended: there is nothing to do.
 */
export async function claimStart(store: EventStore, runs: RunStates, created: RecordedEvent<StackCreated>, start: Start, prefix: string): Promise<boolean> {
  const { stackRunId } = created.data;
  const claim: Decision = {
    expected: [{ guard: stackGuard(stackRunId), version: 0, check: true }, RUN_OPEN],
    events: [{ type: "stack.started", data: { stackRunId, ...start } }],
  };
  const recorded = await appendDecision(store, created, claim, prefix);
  if (recorded) runs.absorb(created.metadata.streamId, recorded);
  return recorded !== false;
}
