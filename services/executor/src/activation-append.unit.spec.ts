import { newId, type TaskerEvent } from "@tasker/contracts";
import { type Decision, decideWakes, foldRun, RUN_OPEN, stackGuard } from "@tasker/run-model";
import type { Outcome, ToolCall } from "@tasker/sandbox";
import { conditionsHold, type DueActivation, dueActivations, guardValues, historyViolations, randomRunHistory, record, seededRandom } from "@tasker/testing";
import { describe, expect, it } from "vitest";
import { type Activation, activationAppend, type CallLimits } from "./activation-append.js";

const limits: CallLimits = { maxDepth: 3, maxPendingCalls: 4, maxStackRuns: 10_000 };
const taskVersions = new Map([["known", "v-known"]]);

/** A random outcome for an activation: completed, failed, or suspended on new calls of every kind. */
function randomOutcome(random: () => number, firstSeq: number): Outcome {
  const roll = random();
  if (roll < 0.25) return { kind: "completed", result: { roll } };
  if (roll < 0.35) return { kind: "failed", error: { code: "TASK_ERROR", name: "Error", message: "it threw" } };
  const kinds: Omit<ToolCall, "seq">[] = [
    { service: "tasks", method: ["execute"], args: ["known", { x: 1 }] },
    { service: "tasks", method: ["execute"], args: ["unknown", {}] },
    { service: "tasks", method: ["other"], args: ["known", {}] },
    { service: "gapi", method: ["admin", "domains", "list"], args: [{}] },
    { service: "fax", method: ["send"], args: [] },
  ];
  const count = Math.floor(random() * 4);
  return { kind: "suspended", calls: Array.from({ length: count }, (_, i) => ({ seq: firstSeq + i, ...kinds[Math.floor(random() * kinds.length)]! })) };
}

/** The activation `due` ending with `outcome`, as the sandbox would hand it over. */
function activationOf(due: DueActivation, outcome: Outcome): Activation {
  const { stackRunId, activation, depth, waitingBefore } = due;
  return { stackRunId, activation, at: 1000, depth, worker: "executor-9", logs: [], outcome, waitingBefore, taskVersions };
}

/** What the stack-processor decides, event by event, once `events` are recorded after `history`. */
function processorDecisions(history: readonly TaskerEvent[], taskRunId: string, events: readonly TaskerEvent[]): Decision[] {
  return decideWakes(foldRun(record(taskRunId, [...history, ...events])), events);
}

describe("recording an activation with its follow-ups", () => {
  it("decides what the stack-processor would, on any history, and leaves it nothing more to decide", () => {
    let checked = 0;
    for (let seed = 1; seed <= 800; seed++) {
      const random = seededRandom(seed);
      const { taskRunId, events } = randomRunHistory(random, 30);
      const history = events.slice(0, 2 + Math.floor(random() * (events.length - 1)));
      const state = foldRun(history);
      const due = dueActivations(state, history);
      if (due.length === 0) continue;
      const next = due[Math.floor(random() * due.length)]!;
      const plan = activationAppend(activationOf(next, randomOutcome(random, next.callsMade)), limits, state);
      const own = plan.events.slice(0, plan.events.length - plan.followUps.flatMap((decision) => decision.events).length);
      expect(plan.followUps).toEqual(processorDecisions(history, taskRunId, own));
      expect(processorDecisions(history, taskRunId, plan.events).filter((decision) => plan.followUps.every((taken) => JSON.stringify(taken) !== JSON.stringify(decision)))).toEqual([]);
      // Recorded only while the run is open: a check, or the run's end, which takes the guard.
      expect(plan.expected.filter((condition) => "guard" in condition && condition.guard === "run")).toEqual([
        plan.events.some((event) => event.type === "run.completed" || event.type === "run.failed") ? { guard: "run", version: 0 } : RUN_OPEN,
      ]);
      expect(plan.expected).toContainEqual({ guard: stackGuard(next.stackRunId), version: next.activation - 1 });
      checked++;
    }
    expect(checked).toBeGreaterThan(250);
  });
});

describe("recording an activation on a run state that lags behind", () => {
  it("keeps every history right whenever its conditions hold, given a state that holds the activation's cause", () => {
    let accepted = 0;
    for (let seed = 1; seed <= 800; seed++) {
      const random = seededRandom(seed);
      const { taskRunId, events } = randomRunHistory(random, 40);
      const history = events.slice(0, 2 + Math.floor(random() * (events.length - 1)));
      const due = dueActivations(foldRun(history), history);
      if (due.length === 0) continue;
      const next = due[Math.floor(random() * due.length)]!;
      // What the recording executor knows: the run up to some version at or after what caused the activation.
      const known = next.causeVersion + Math.floor(random() * (history.length - next.causeVersion + 1));
      const activation = activationOf(next, randomOutcome(random, next.callsMade));
      const values = guardValues(history);
      // As the recorder does: with the follow-ups, else alone when a follow-up's guard moved on.
      const plan = [activationAppend(activation, limits, foldRun(history.slice(0, known))), activationAppend(activation, limits, undefined)].find((candidate) =>
        conditionsHold(candidate.expected, values),
      );
      expect(plan, "the activation itself is due, so it can always be recorded alone").toBeDefined();
      expect(historyViolations(record(taskRunId, [...history, ...plan!.events]))).toEqual([]);
      accepted++;
    }
    expect(accepted).toBeGreaterThan(250);
  });
});

describe("an activation's calls", () => {
  const base = { stackRunId: newId(), activation: 2, at: 1000, depth: 1, worker: "w", logs: [], waitingBefore: new Set([0]), taskVersions };

  it("are admitted by the run-model's rule: a refused call is recorded failed, with its own guard taken", () => {
    const calls: ToolCall[] = [
      { seq: 1, service: "tasks", method: ["execute"], args: ["known", {}] },
      { seq: 2, service: "tasks", method: ["execute"], args: ["nope", {}] },
    ];
    const plan = activationAppend({ ...base, outcome: { kind: "suspended", calls } }, limits, undefined);
    const created = plan.events.filter((event) => event.type === "stack.created").map((event) => event.data.stackRunId);
    expect(plan.events.map((event) => event.type)).toEqual(["vm.resumed", "stack.created", "stack.created", "stack.failed", "vm.suspended"]);
    expect(plan.events[3]!.data).toMatchObject({ stackRunId: created[1], error: { code: "TASK_NOT_FOUND" } });
    expect(plan.expected).toEqual([
      { guard: stackGuard(base.stackRunId), version: 1 },
      RUN_OPEN,
      { guard: stackGuard(created[1]!), version: 0 },
      { counter: "stack-runs", add: 1, max: limits.maxStackRuns },
    ]);
    expect([...plan.pending]).toEqual([0, 1, 2]);
  });

  it("past what the run has left are refused with TOO_MANY_STACK_RUNS and not counted", () => {
    const calls: ToolCall[] = [0, 1, 2].map((i) => ({ seq: 1 + i, service: "gapi", method: ["x"], args: [] }));
    const plan = activationAppend({ ...base, outcome: { kind: "suspended", calls } }, { ...limits, maxPendingCalls: 100 }, undefined, 2);
    expect(plan.events.filter((event) => event.type === "stack.failed").map((event) => (event.data as { error: { code: string } }).error.code)).toEqual(["TOO_MANY_STACK_RUNS"]);
    expect(plan.expected).toContainEqual({ counter: "stack-runs", add: 2, max: limits.maxStackRuns });
  });
});
