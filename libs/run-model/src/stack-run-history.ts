import { type CallResult as RecordedResult, type RecordedEvent, type StackCreated } from "@tasker/contracts";
import { type CallResult, hashArgs, type JournalActivation, type JournalCall } from "@tasker/sandbox";
import { requiredUse } from "./decisions/uses.js";
import { passesSecret } from "./secret-calls.js";

/** What the event stream says about one stack run: enough to start, resume or replay it. */
export interface StackRunHistory {
  /** Its `stack.created`, if the stream has it. */
  created: StackCreated["data"] | undefined;
  /** The run ended (completed, failed or cancelled): nothing of it runs any more. */
  runEnded: boolean;
  /** The stack run itself completed or failed. */
  ended: boolean;
  /** Activations recorded so far, each with its time, the results delivered in it and the calls made. */
  journal: JournalActivation[];
  /** Calls made since the last `vm.suspended`: those of the activation that ended the stack run, once it ended. */
  openCalls: JournalCall[];
  /** Calls made and not yet answered by a delivered result. */
  pending: Set<number>;
  /** The results asked to be delivered, by activation number. */
  resumes: Map<number, CallResult[]>;
  /** The helper modules its activations loaded, name → version (what a replay must load). */
  modules: Map<string, string>;
  /** What the calls it made needed declaring (run-model's `requiredUse`): each undeclared one was warned about when first made. */
  usesSeen: Set<string>;
}

/** The sandbox's form of a recorded call result: its value, or its error as recorded (the VM rebuilds it). */
export function toSandboxResult(result: RecordedResult): CallResult {
  return result.ok ? { seq: result.seq, ok: true, value: result.value } : { seq: result.seq, ok: false, error: result.error };
}

/** Folds a run's events (in stream order) into the history of `stackRunId`. Pure. */
export function stackRunHistory(events: readonly RecordedEvent[], stackRunId: string): StackRunHistory {
  const history: StackRunHistory = { created: undefined, runEnded: false, ended: false, journal: [], openCalls: [], pending: new Set(), resumes: new Map(), modules: new Map(), usesSeen: new Set() };
  let calls: JournalCall[] = [];
  for (const event of events) {
    switch (event.type) {
      case "stack.created":
        if (event.data.stackRunId === stackRunId) history.created = event.data;
        else if (event.data.parentStackRunId === stackRunId && event.data.seq !== null) {
          calls.push({ seq: event.data.seq, service: event.data.service, method: event.data.method, argsHash: passesSecret(event.data) ? null : hashArgs(event.data.args) });
          history.pending.add(event.data.seq);
          const need = requiredUse(event.data);
          if (need !== undefined) history.usesSeen.add(need);
        }
        break;
      case "resume.requested":
        if (event.data.stackRunId === stackRunId) history.resumes.set(event.data.activation, event.data.results.map(toSandboxResult));
        break;
      case "vm.suspended":
        if (event.data.stackRunId === stackRunId) {
          const results = history.resumes.get(event.data.activation) ?? [];
          for (const result of results) history.pending.delete(result.seq);
          history.journal.push({ at: event.data.at, results, calls });
          for (const [name, version] of Object.entries(event.data.modules ?? {})) history.modules.set(name, version);
          calls = [];
        }
        break;
      case "stack.completed":
      case "stack.failed":
        if (event.data.stackRunId === stackRunId) history.ended = true;
        break;
      case "run.completed":
      case "run.failed":
      case "run.cancelled":
        history.runEnded = true;
        break;
      default:
        break;
    }
  }
  history.openCalls = calls;
  return history;
}
