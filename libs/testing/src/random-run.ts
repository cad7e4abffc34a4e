import { type ErrorInfo, newId, type RecordedEvent, type TaskerEvent } from "@tasker/contracts";
import { cancelOrphans, decideAll, foldRun, type RunState } from "@tasker/run-model";
import { record } from "./given-run.js";
import { runEvents } from "./run-events.js";

/** A deterministic pseudo-random source (mulberry32): the same seed gives the same histories. */
export function seededRandom(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Work due in a run: a stack run of service `tasks` whose next activation `activation` may be recorded. */
export interface DueActivation {
  readonly stackRunId: string;
  readonly activation: number;
  /** Calls it waits on before the activation (results of a resume already taken out). */
  readonly waitingBefore: ReadonlySet<number>;
  readonly depth: number;
  /** The calls it made so far: the next one is numbered after them. */
  readonly callsMade: number;
  /** The stream version of the event that asked for the activation: its `stack.created`, or its `resume.requested`. */
  readonly causeVersion: number;
}

/** The activations due in `state`: pending task starts, and resumes requested but not yet recorded. */
export function dueActivations(state: RunState, events: readonly TaskerEvent[]): DueActivation[] {
  const versionOf = (found: (event: TaskerEvent) => boolean) => events.findIndex(found) + 1;
  if (state.ended) return [];
  const due: DueActivation[] = [];
  for (const run of state.stackRuns.values()) {
    if (run.service !== "tasks") continue;
    const callsMade = [...state.stackRuns.values()].filter((child) => child.parentStackRunId === run.stackRunId).length;
    if (run.status === "pending") {
      const causeVersion = versionOf((event) => event.type === "stack.created" && event.data.stackRunId === run.stackRunId);
      due.push({ stackRunId: run.stackRunId, activation: 1, waitingBefore: new Set(), depth: run.depth, callsMade, causeVersion });
    }
    if (run.status === "suspended" && run.lastSuspended && run.resumeRequestedFor > run.lastSuspended.activation) {
      const activation = run.resumeRequestedFor;
      const suspended = events.findLast((event) => event.type === "vm.suspended" && event.data.stackRunId === run.stackRunId);
      const resume = events.find((event) => event.type === "resume.requested" && event.data.stackRunId === run.stackRunId && event.data.activation === activation);
      const waiting = new Set(suspended?.type === "vm.suspended" ? suspended.data.waitingOn : []);
      if (resume?.type === "resume.requested") for (const result of resume.data.results) waiting.delete(result.seq);
      const causeVersion = events.indexOf(resume!) + 1;
      due.push({ stackRunId: run.stackRunId, activation, waitingBefore: waiting, depth: run.depth, callsMade, causeVersion });
    }
  }
  return due.filter((activation) => !events.some((event) => event.type === "vm.resumed" && event.data.stackRunId === activation.stackRunId && event.data.activation === activation.activation));
}

const error = (code: string): ErrorInfo => ({ code, name: "Error", message: `${code.toLowerCase()} happened` });

/**
 * A random run history that the rules could have produced: task stack runs start, make calls (nested
 * tasks and wrapped-service calls, some refused at once), suspend, resume, complete and fail (calls
 * left pending then cancelled, with their own calls); wrapped calls settle; the stack-processor's decisions (`decideAll`) are taken now and then, late or never;
 * now and then a cancel is asked for. For property tests of the rules and of their writers.
 */
export function randomRunHistory(random: () => number, steps: number): { taskRunId: string; events: RecordedEvent[] } {
  const r = runEvents();
  const events: TaskerEvent[] = [...r.submitted()];
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  for (let step = 0; step < steps; step++) {
    const state = foldRun(record(r.taskRunId, events));
    if (state.ended) break;
    const moves: (() => TaskerEvent[])[] = [];
    for (const due of dueActivations(state, events)) moves.push(() => withOrphansCancelled(state, due.stackRunId, randomActivation(random, due)));
    for (const run of state.stackRuns.values()) {
      if (run.service !== "tasks" && run.status === "pending") {
        moves.push(() => [random() < 0.8 ? r.completed(run.stackRunId, Math.floor(random() * 100)) : r.failed(run.stackRunId, error("UPSTREAM"))]);
      }
    }
    const decisions = decideAll(state, 0);
    if (decisions.length > 0) moves.push(() => decisions.flatMap((decision) => [...decision.events]));
    if (random() < 0.03) moves.push(() => [{ type: "run.cancel-requested", data: { taskRunId: r.taskRunId, reason: "changed my mind" } }]);
    if (moves.length === 0) break;
    events.push(...pick(moves)());
  }
  return { taskRunId: r.taskRunId, events: record(r.taskRunId, events) };

  function randomActivation(rand: () => number, due: DueActivation): TaskerEvent[] {
    const { stackRunId, activation, depth } = due;
    const recorded: TaskerEvent[] = activation > 1 ? [r.resumed(activation, stackRunId)] : [];
    const calls = Math.floor(rand() * 3);
    const waiting = new Set(due.waitingBefore);
    for (let i = 0; i < calls; i++) {
      const seq = due.callsMade + i;
      const child = newId();
      const nested = depth < 3 && rand() < 0.5;
      recorded.push(r.call(child, seq, stackRunId, depth + 1, nested ? "tasks" : "gapi"));
      if (rand() < 0.15) recorded.push(r.failed(child, error("TASK_NOT_FOUND")));
      waiting.add(seq);
    }
    const roll = rand();
    if (roll < 0.2) return [...recorded, r.completed(stackRunId, { done: activation })];
    if (roll < 0.3) return [...recorded, r.failed(stackRunId, error("TASK_ERROR"))];
    if (waiting.size === 0) return [...recorded, r.completed(stackRunId, null)];
    return [...recorded, r.suspended(activation, [...waiting].sort((a, b) => a - b), stackRunId, rand() < 0.5 ? "executor-1" : "executor-2")];
  }
}

/** `events` of an activation of `stackRunId`, then, when it ended, the cancels of the calls it left pending (`cancelOrphans`). */
function withOrphansCancelled(state: RunState, stackRunId: string, events: TaskerEvent[]): TaskerEvent[] {
  return [...events, ...(cancelOrphans(foldRun(events, state), stackRunId, 0)?.events ?? [])];
}
