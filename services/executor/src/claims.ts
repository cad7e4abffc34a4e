import type { RecordedEvent, StackCreated } from "@tasker/contracts";
import { appendDecision, type EventStore } from "@tasker/event-store";
import { decideStart, type RunStates, type Start } from "@tasker/run-model";

/**
 * Claims the start of a stack run (the run-model's `decideStart`). Resolves false when its first
 * activation was recorded already, or the run ended: there is nothing to do.
 */
export async function claimStart(store: EventStore, runs: RunStates, created: RecordedEvent<StackCreated>, start: Start, prefix: string): Promise<boolean> {
  const recorded = await appendDecision(store, created, decideStart(created.data.stackRunId, start), prefix);
  if (recorded) runs.absorb(created.metadata.streamId, recorded);
  return recorded !== false;
}
