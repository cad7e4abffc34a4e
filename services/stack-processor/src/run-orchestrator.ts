import { causedBy, type RecordedEvent, runStreamId, taskRunIdOf, unknownRunError } from "@tasker/contracts";
import { type EventStore, isConcurrencyError } from "@tasker/event-store";
import { awaitsDecision, type Decision, decideAll, decideWakes, type RunState, RunStates } from "@tasker/run-model";
import { recordSettledStackRuns } from "@tasker/telemetry";

/** Decisions read from a run's state; several may be due at once (e.g. resumes of different stack runs). */
type Rule = (state: RunState) => (Decision | null)[];

/** Conflicts tolerated before the work goes back to the bus (which redelivers it with backoff). */
const MAX_ATTEMPTS = 5;

/** Runs remembered as ended; the oldest are forgotten past this. */
const REMEMBERED_ENDS = 10_000;

/**
 * Applies the run-model's rules to a run: reads its stream, folds it, appends what is decided. A
 * decision carries its conditions, so a conflicting writer (another instance, a redelivery, the
 * executor that took the same decision with its outcome) makes the append fail; the rules then run
 * again on a fresh read, and usually find the decision already taken.
 */
export class RunOrchestrator {
  private readonly states: RunStates;
  private readonly ended = new Set<string>();

  constructor(
    private readonly store: EventStore,
    /** The deployment's subject prefix, named when a message about an unknown run arrives. */
    private readonly prefix: string,
  ) {
    this.states = new RunStates(store);
  }

  /**
   * Takes the decisions `event` calls for. Most events call for none, the writer of many took them
   * in the same append (`awaitsDecision`), and none is taken for a run known to have ended (a root's
   * outcome usually comes with its run's end): those cost no read.
   */
  async onEvent(event: RecordedEvent): Promise<Decision[]> {
    const taskRunId = taskRunIdOf(event.metadata.streamId);
    if (!awaitsDecision(event) || this.ended.has(taskRunId)) return [];
    return this.apply(taskRunId, (state) => decideWakes(state, [event], Date.now()), event);
  }

  /** Learns that a run ended (from the bus): no rule decides anything for it any more. */
  runEnded(taskRunId: string): void {
    this.ended.add(taskRunId);
    if (this.ended.size > REMEMBERED_ENDS) this.ended.delete(this.ended.values().next().value!);
  }

  /** Takes every decision still due for a run, whatever event was missed. Returns those taken. */
  reconcile(taskRunId: string): Promise<Decision[]> {
    return this.apply(taskRunId, (state) => decideAll(state, Date.now()), null);
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
          recordSettledStackRuns(state, decision.events);
          taken.push(decision);
        }
        return taken;
      } catch (error) {
        if (!isConcurrencyError(error) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }
}
