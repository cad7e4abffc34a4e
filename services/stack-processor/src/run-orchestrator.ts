import { causedBy, type RecordedEvent, runStreamId, taskRunIdOf, unknownRunError } from "@tasker/contracts";
import { type EventStore, isConcurrencyError } from "@tasker/event-store";
import { type Decision, decideAll, decideWake, type RunState, RunStates, whatWakes } from "@tasker/run-model";

/** Decisions read from a run's state; several may be due at once (e.g. resumes of different stack runs). */
type Rule = (state: RunState) => (Decision | null)[];

/** Conflicts tolerated before the work goes back to the bus (which redelivers it with backoff). */
const MAX_ATTEMPTS = 5;

/**
 * Applies the run-model's rules to a run: reads its stream, folds it, appends what is decided. A
 * decision carries its conditions, so a conflicting writer (another instance, a redelivery, the
 * executor that took the same decision with its outcome) makes the append fail; the rules then run
 * again on a fresh read, and usually find the decision already taken.
 */
export class RunOrchestrator {
  private readonly states: RunStates;

  constructor(
    private readonly store: EventStore,
    /** The deployment's subject prefix, named when a message about an unknown run arrives. */
    private readonly prefix: string,
  ) {
    this.states = new RunStates(store);
  }

  /** Takes the decisions `event` calls for; most events call for none and cost no read. */
  async onEvent(event: RecordedEvent): Promise<Decision[]> {
    const wakes = whatWakes(event);
    if (wakes.length === 0) return [];
    return this.apply(taskRunIdOf(event.metadata.streamId), (state) => wakes.map((wake) => decideWake(state, wake)), event);
  }

  /** Takes every decision still due for a run, whatever event was missed. Returns those taken. */
  reconcile(taskRunId: string): Promise<Decision[]> {
    return this.apply(taskRunId, decideAll, null);
  }

  private async apply(taskRunId: string, rule: Rule, cause: RecordedEvent | null): Promise<Decision[]> {
    const streamId = runStreamId(taskRunId);
    const metadata = causedBy(cause, taskRunId);
    const taken: Decision[] = [];
    for (let attempt = 1; ; attempt++) {
      const state = await this.states.read(streamId);
      if (state.taskRunId === null) throw unknownRunError(streamId, this.prefix);
      const decisions = rule(state).filter((decision) => decision !== null);
      try {
        for (const decision of decisions) {
          await this.store.append(streamId, decision.expected, decision.events.map((event) => ({ ...event, metadata })));
          taken.push(decision);
        }
        return taken;
      } catch (error) {
        if (!isConcurrencyError(error) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }
}
