import { newId, type TaskerEvent } from "@tasker/contracts";
import { type Decision, decideResume, decideWakes, foldRun, isOver, isSettled, RUN_OPEN, type RunState, stackGuard } from "@tasker/run-model";
import type { Outcome, ToolCall } from "@tasker/sandbox";
import { conditionsHold, type DueActivation, dueActivations, guardValues, historyViolations, randomRunHistory, record, runEvents, seededRandom } from "@tasker/testing";
import { describe, expect, it } from "vitest";
import { type Activation, activationAppend, type CallLimits, withNestedStarts } from "./activation-append.js";

const limits: CallLimits = { maxDepth: 3, maxPendingCalls: 4, maxStackRuns: 10_000, maxTimerMs: 60_000, canSealSecrets: true, enforceUses: false };
const taskVersions = new Map([["known", "v-known"]]);
/** How the activations recorded here ran: what only the run's tree reads. */
const timing = { kind: "cache" as const, durationMs: 2 };
/** The task running, declaring what the random calls use: a warning is tested on its own. */
const declared = { caller: { task: "t", uses: ["gapi"] }, usesSeen: new Set<string>() };

/** A random outcome for an activation, with new calls of every kind: completed, failed, or suspended. */
function randomOutcome(random: () => number, firstSeq: number): Outcome {
  const kinds: Omit<ToolCall, "seq">[] = [
    { service: "tasks", method: ["execute"], args: ["known", { x: 1 }] },
    { service: "tasks", method: ["execute"], args: ["unknown", {}] },
    { service: "tasks", method: ["other"], args: ["known", {}] },
    { service: "gapi", method: ["admin", "domains", "list"], args: [{}] },
    { service: "fax", method: ["send"], args: [] },
  ];
  const count = Math.floor(random() * 4);
  const calls = Array.from({ length: count }, (_, i) => ({ seq: firstSeq + i, ...kinds[Math.floor(random() * kinds.length)]! }));
  const roll = random();
  if (roll < 0.25) return { kind: "completed", result: { roll }, calls };
  if (roll < 0.35) return { kind: "failed", error: { code: "TASK_ERROR", name: "Error", message: "it threw" }, calls };
  return { kind: "suspended", calls };
}

/** The calls of `stackRunId` still under way in `state`. */
function callsUnderWay(state: RunState, stackRunId: string): string[] {
  return [...state.stackRuns.values()].flatMap((run) => (run.parentStackRunId === stackRunId && !isOver(run) ? [run.stackRunId] : []));
}

/** The activation `due` ending with `outcome`, as the sandbox would hand it over. */
function activationOf(due: DueActivation, outcome: Outcome): Activation {
  const { stackRunId, activation, depth, waitingBefore } = due;
  return { stackRunId, activation, at: 1000, depth, worker: "executor-9", timing, logs: [], outcome, waitingBefore, taskVersions, ...declared };
}

/** A random run's history, cut at a random point, and one of the activations due on it; undefined when none is. */
function randomDueActivation(random: () => number): { taskRunId: string; history: TaskerEvent[]; state: RunState; next: DueActivation } | undefined {
  const { taskRunId, events } = randomRunHistory(random, 30);
  const history = events.slice(0, 2 + Math.floor(random() * (events.length - 1)));
  const state = foldRun(history);
  const due = dueActivations(state, history);
  return due.length === 0 ? undefined : { taskRunId, history, state, next: due[Math.floor(random() * due.length)]! };
}

/** What the stack-processor decides, event by event, once `events` are recorded after `history`. */
function processorDecisions(history: readonly TaskerEvent[], taskRunId: string, events: readonly TaskerEvent[]): Decision[] {
  return decideWakes(foldRun(record(taskRunId, [...history, ...events])), events, 1000);
}

describe("recording an activation with its follow-ups", () => {
  it("decides what the stack-processor would, on any history, and leaves it nothing more to decide", () => {
    let checked = 0;
    for (let seed = 1; seed <= 800; seed++) {
      const random = seededRandom(seed);
      const drawn = randomDueActivation(random);
      if (!drawn) continue;
      const { taskRunId, history, state, next } = drawn;
      const plan = activationAppend(activationOf(next, randomOutcome(random, next.callsMade)), limits, state);
      const own = plan.events.slice(0, plan.events.length - plan.followUps.flatMap((decision) => decision.events).length);
      expect(plan.followUps).toEqual(processorDecisions(history, taskRunId, own));
      expect(processorDecisions(history, taskRunId, plan.events).filter((decision) => plan.followUps.every((taken) => JSON.stringify(taken) !== JSON.stringify(decision)))).toEqual([]);
      expect(plan.decidedAll).toBe(true);
      // Recorded only while the run is open: a check, or the run's end, which takes the guard.
      expect(plan.expected.filter((condition) => "guard" in condition && condition.guard === "run")).toEqual([
        plan.events.some((event) => event.type === "run.completed" || event.type === "run.failed") ? { guard: "run", version: 0 } : RUN_OPEN,
      ]);
      expect(plan.expected).toContainEqual({ guard: stackGuard(next.stackRunId), version: next.activation - 1 });
      const after = foldRun(record(taskRunId, [...history, ...plan.events]));
      if (plan.events.some((event) => (event.type === "stack.completed" || event.type === "stack.failed") && event.data.stackRunId === next.stackRunId)) {
        expect(callsUnderWay(after, next.stackRunId), "a task that ended leaves no call under way").toEqual([]);
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(250);
  }, 60_000);
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
      // As the recorder does: with the follow-ups, else alone on the run read again when a guard moved on.
      const lagging = foldRun(history.slice(0, known));
      const candidates = [activationAppend(activation, limits, lagging), activationAppend(activation, limits, foldRun(history), Infinity, () => false)];
      const plan = candidates.find((candidate) => conditionsHold(candidate.expected, values));
      expect(plan, "the activation itself is due, so it can always be recorded alone on the current run").toBeDefined();
      expect(historyViolations(record(taskRunId, [...history, ...plan!.events]))).toEqual([]);
      accepted++;
    }
    expect(accepted).toBeGreaterThan(250);
  }, 60_000);
});

describe("an activation's calls", () => {
  const base = { stackRunId: newId(), activation: 2, at: 1000, depth: 1, worker: "w", timing, logs: [], waitingBefore: new Set([0]), taskVersions, ...declared };
  const r = runEvents();
  const state = foldRun(record(r.taskRunId, r.submitted()));

  it("are admitted by the run-model's rule: a refused call is recorded failed, with its own guard taken", () => {
    const calls: ToolCall[] = [
      { seq: 1, service: "tasks", method: ["execute"], args: ["known", {}] },
      { seq: 2, service: "tasks", method: ["execute"], args: ["nope", {}] },
    ];
    const plan = activationAppend({ ...base, outcome: { kind: "suspended", calls } }, limits, state);
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
    const plan = activationAppend({ ...base, outcome: { kind: "suspended", calls } }, { ...limits, maxPendingCalls: 100 }, state, 2);
    expect(plan.events.filter((event) => event.type === "stack.failed").map((event) => (event.data as { error: { code: string } }).error.code)).toEqual(["TOO_MANY_STACK_RUNS"]);
    expect(plan.expected).toContainEqual({ counter: "stack-runs", add: 2, max: limits.maxStackRuns });
  });
});

describe("an activation's calls of services it does not declare", () => {
  const r = runEvents();
  const state = foldRun(record(r.taskRunId, r.submitted()));
  const base = { stackRunId: newId(), activation: 2, at: 1000, depth: 1, worker: "w", timing, logs: [], waitingBefore: new Set([0]), taskVersions, caller: { task: "brief", uses: [] } };
  const calls: ToolCall[] = [
    { seq: 1, service: "openai", method: ["models", "list"], args: [] },
    { seq: 2, service: "openai", method: ["models", "list"], args: [] },
    { seq: 3, service: "keystore", method: ["get"], args: ["openai-api-key"] },
  ];
  const warnings = (plan: { events: TaskerEvent[] }) => plan.events.flatMap((event) => (event.type === "log.appended" ? [`${event.data.level} ${event.data.message}`] : []));

  it("with enforcement off are made, with one warning line per undeclared use in the stack run's log", () => {
    const plan = activationAppend({ ...base, usesSeen: new Set(), outcome: { kind: "suspended", calls } }, limits, state);
    expect(plan.events.filter((event) => event.type === "stack.failed")).toEqual([]);
    expect(warnings(plan)).toEqual([
      'warn task "brief" uses openai without declaring it: with TASKER_ENFORCE_USES=true this call fails with PERMISSION_DENIED; add the line "@uses openai" to its JSDoc',
      'warn task "brief" uses keystore secret "openai-api-key" without declaring it: with TASKER_ENFORCE_USES=true this call fails with PERMISSION_DENIED; add the line "@uses keystore:openai-api-key" to its JSDoc',
    ]);
    expect(plan.events.find((event) => event.type === "log.appended")?.data).toMatchObject({ stackRunId: base.stackRunId });
    expect([...plan.usesSeen]).toEqual(["openai", "keystore:openai-api-key"]);
  });

  it("are not warned about again in a later activation of the same stack run", () => {
    const plan = activationAppend({ ...base, usesSeen: new Set(["openai", "keystore:openai-api-key"]), outcome: { kind: "suspended", calls } }, limits, state);
    expect(warnings(plan)).toEqual([]);
  });

  it("with enforcement on are refused with PERMISSION_DENIED, recorded failed, without a warning", () => {
    const plan = activationAppend({ ...base, usesSeen: new Set(), outcome: { kind: "suspended", calls } }, { ...limits, enforceUses: true }, state);
    const errors = plan.events.flatMap((event) => (event.type === "stack.failed" ? [(event.data as { error: { code: string } }).error.code] : []));
    expect(errors).toEqual(["PERMISSION_DENIED", "PERMISSION_DENIED", "PERMISSION_DENIED"]);
    expect(warnings(plan)).toEqual([]);
  });
});

describe("a task that ended with calls pending", () => {
  const call = (seq: number, name: string): ToolCall => ({ seq, service: "tasks", method: ["execute"], args: [name, {}] });

  it("records the calls it made, then cancels those admitted, with a warning each, before the run's end", () => {
    const r = runEvents();
    const state = foldRun(record(r.taskRunId, r.submitted()));
    const root = { stackRunId: r.rootId, activation: 1, at: 7000, depth: 0, worker: "w", timing, logs: [], waitingBefore: new Set<number>(), taskVersions, ...declared };
    const plan = activationAppend({ ...root, outcome: { kind: "completed", result: "done", calls: [call(0, "known"), call(1, "nope")] } }, limits, state);
    expect(plan.events.map((event) => event.type)).toEqual(["stack.created", "stack.created", "stack.failed", "stack.completed", "log.appended", "stack.failed", "run.completed"]);
    const [admitted, refused] = plan.events.filter((event) => event.type === "stack.created").map((event) => event.data.stackRunId);
    expect(plan.events[4]!.data).toEqual({
      stackRunId: r.rootId,
      level: "warn",
      message: "tasks.execute (call 0) was still pending when the task returned; it is cancelled and its result ignored",
      at: new Date(7000).toISOString(),
    });
    expect(plan.events[5]!.data).toMatchObject({ stackRunId: admitted, error: { code: "CANCELLED", name: "CancelledError" } });
    expect(plan.settledCalls).toEqual(new Set([admitted, refused]));
    expect(plan.expected).toEqual([
      { guard: stackGuard(r.rootId), version: 0 },
      { guard: "run", version: 0 },
      { guard: stackGuard(refused!), version: 0 },
      { counter: "stack-runs", add: 1, max: limits.maxStackRuns },
      { guard: stackGuard(admitted!), version: 0 },
    ]);
    expect(historyViolations(record(r.taskRunId, [...r.submitted(), ...plan.events]))).toEqual([]);
  });

  it("cancels the calls of earlier activations, and below a task under way its own calls, under their guards", () => {
    const r = runEvents();
    const [child, grandchild, other] = [newId(), newId(), newId()];
    const started = [
      ...r.submitted(),
      r.call(child, 0, r.rootId, 1, "tasks"),
      r.call(other, 1),
      r.suspended(1, [0, 1]),
      r.call(grandchild, 0, child, 2, "tasks"),
      r.suspended(1, [0], child),
      r.completed(other, 5),
    ];
    const history = [...started, ...decideResume(foldRun(record(r.taskRunId, started)), r.rootId)!.events];
    const failed: Outcome = { kind: "failed", error: { code: "TASK_ERROR", name: "Error", message: "boom" }, calls: [] };
    const plan = activationAppend({ ...base(r.rootId), outcome: failed, waitingBefore: new Set([0]) }, limits, foldRun(record(r.taskRunId, history)));
    const cancels = plan.events.flatMap((event) => (event.type === "stack.failed" && event.data.stackRunId !== r.rootId ? [event.data.stackRunId] : []));
    expect(cancels).toEqual([child, grandchild]);
    const warnings = plan.events.filter((event) => event.type === "log.appended").map((event) => event.data);
    expect(warnings).toMatchObject([
      { stackRunId: r.rootId, message: "tasks.admin.list (call 0) was still pending when the task failed; it is cancelled and its result ignored" },
      { stackRunId: child, message: "tasks.admin.list (call 0) was still pending when the task was cancelled; it is cancelled and its result ignored" },
    ]);
    expect(plan.expected).toContainEqual({ guard: stackGuard(child), version: 1 });
    expect(plan.expected).toContainEqual({ guard: stackGuard(grandchild), version: 0 });
    expect(plan.events.at(-1)).toMatchObject({ type: "run.failed", data: { error: { code: "TASK_ERROR" } } });
    const after = foldRun(record(r.taskRunId, [...history, ...plan.events]));
    expect([...after.stackRuns.values()].every(isSettled)).toBe(true);
    expect(historyViolations(record(r.taskRunId, [...history, ...plan.events]))).toEqual([]);
  });

  function base(stackRunId: string) {
    return { stackRunId, activation: 2, at: 8000, depth: 0, worker: "w", timing, logs: [], waitingBefore: new Set<number>(), taskVersions, ...declared };
  }
});

describe("an activation recorded with the nested tasks it started", () => {
  const call = (seq: number): ToolCall => ({ seq, service: "tasks", method: ["execute"], args: ["known", { x: seq }] });
  const started = { worker: "w", attempt: 1, leaseUntil: new Date(60_000).toISOString() };
  /** The first activation of the nested task `created` made, ending with `outcome`, recorded with its start. */
  const startOf = (created: TaskerEvent, outcome: Outcome): Activation => {
    const data = created.data as { stackRunId: string; depth: number };
    return { stackRunId: data.stackRunId, activation: 1, at: 1500, depth: data.depth, worker: "w", timing: { kind: "start", durationMs: 1 }, logs: [], outcome, waitingBefore: new Set(), taskVersions: new Map(), started, caller: { task: "known", uses: [] }, usesSeen: new Set() };
  };

  it("records them after their parent, under their own guards, with the parent's resume that delivers their outcomes, as the stack-processor would decide it", () => {
    const r = runEvents();
    const history = r.submitted();
    const state = foldRun(record(r.taskRunId, history));
    const root = { stackRunId: r.rootId, activation: 1, at: 1000, depth: 0, worker: "w", timing, logs: [], waitingBefore: new Set<number>(), taskVersions, ...declared };
    const alone = activationAppend({ ...root, outcome: { kind: "suspended", calls: [call(0), call(1), call(2)] } }, limits, state, Infinity, () => false);
    const [first, second] = alone.events.filter((event) => event.type === "stack.created");
    const failure = { code: "TASK_ERROR", name: "Error", message: "no" };
    const plan = withNestedStarts(alone, [startOf(first!, { kind: "completed", result: 1, calls: [] }), startOf(second!, { kind: "failed", error: failure, calls: [] })], limits, state, 2000);

    expect(plan.events.map((event) => event.type)).toEqual([
      ...["stack.created", "stack.created", "stack.created", "vm.suspended"],
      ...["stack.started", "stack.completed", "stack.started", "stack.failed"],
      "resume.requested",
    ]);
    expect(plan.events.at(-1)!.data).toMatchObject({ stackRunId: r.rootId, activation: 2, results: [{ seq: 0, ok: true, value: 1 }, { seq: 1, ok: false, error: failure }] });
    const own = plan.events.slice(0, -1);
    expect(plan.followUps).toEqual(processorDecisions(history, r.taskRunId, own));
    expect(plan.expected).toEqual([
      { guard: stackGuard(r.rootId), version: 0 },
      RUN_OPEN,
      { counter: "stack-runs", add: 3, max: limits.maxStackRuns },
      { guard: stackGuard(first!.data.stackRunId), version: 0 },
      { guard: stackGuard(second!.data.stackRunId), version: 0 },
      { guard: `resume:${r.rootId}`, version: 0 },
    ]);
    expect(plan.settledCalls).toEqual(new Set([first!.data.stackRunId, second!.data.stackRunId]));
    expect([...plan.pending]).toEqual([0, 1, 2]);
    expect(historyViolations(record(r.taskRunId, [...history, ...plan.events]))).toEqual([]);
  });

  it("on any history, leaves the stack-processor nothing more to decide and keeps the history right", () => {
    let checked = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const random = seededRandom(seed);
      const drawn = randomDueActivation(random);
      if (!drawn) continue;
      const { taskRunId, history, state, next } = drawn;
      const calls = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, i) => call(next.callsMade + i));
      const alone = activationAppend(activationOf(next, { kind: "suspended", calls }), limits, state, Infinity, () => false);
      const created = alone.events.filter((event) => event.type === "stack.created" && !alone.settledCalls.has(event.data.stackRunId));
      const starts = created
        .filter(() => random() < 0.7)
        .map((event) => startOf(event, random() < 0.7 ? { kind: "completed", result: seed, calls: [] } : { kind: "failed", error: { code: "TASK_ERROR", name: "Error", message: "no" }, calls: [] }));
      const plan = withNestedStarts(alone, starts, limits, state, 2000);
      expect(processorDecisions(history, taskRunId, plan.events).filter((decision) => plan.followUps.every((taken) => JSON.stringify(taken) !== JSON.stringify(decision)))).toEqual([]);
      expect(historyViolations(record(taskRunId, [...history, ...plan.events]))).toEqual([]);
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
  }, 60_000);

  it("takes only the follow-ups `take` accepts", () => {
    const r = runEvents();
    const state = foldRun(record(r.taskRunId, r.submitted()));
    const root = { stackRunId: r.rootId, activation: 1, at: 1000, depth: 0, worker: "w", timing, logs: [], waitingBefore: new Set<number>(), taskVersions, ...declared };
    const alone = activationAppend({ ...root, outcome: { kind: "suspended", calls: [call(0)] } }, limits, state, Infinity, () => false);
    const plan = withNestedStarts(alone, [startOf(alone.events[0]!, { kind: "completed", result: 1, calls: [] })], limits, state, 2000, () => false);
    expect(plan.events.map((event) => event.type)).toEqual(["stack.created", "vm.suspended", "stack.started", "stack.completed"]);
    expect(plan.followUps).toEqual([]);
    // The parent's resume was due and left out: the stack-processor is to decide it.
    expect(plan.decidedAll).toBe(false);
    expect(withNestedStarts(alone, [startOf(alone.events[0]!, { kind: "completed", result: 1, calls: [] })], limits, state, 2000).decidedAll).toBe(true);
  });

  it("claims nothing left to decide when a follow-up's own event calls for more: a kept signal answers a wait, and the answer resumes the task", () => {
    const r = runEvents();
    const kept: TaskerEvent = { type: "signal.received", data: { signalId: newId(), name: "x", payload: 1 } };
    const history = [...r.submitted(), kept];
    const state = foldRun(record(r.taskRunId, history));
    const root = { stackRunId: r.rootId, activation: 1, at: 1000, depth: 0, worker: "w", timing, logs: [], waitingBefore: new Set<number>(), taskVersions, ...declared };
    const plan = activationAppend({ ...root, outcome: { kind: "suspended", calls: [{ seq: 0, service: "signals", method: ["wait"], args: ["x"] }] } }, limits, state);
    expect(plan.events.map((event) => event.type)).toEqual(["stack.created", "vm.suspended", "stack.completed"]);
    expect(plan.decidedAll).toBe(false);
    expect(processorDecisions(history, r.taskRunId, plan.events).flatMap((decision) => decision.events.map((event) => event.type))).toEqual(["resume.requested"]);
  });

  it("refuses a start that suspended or made calls: only one that ended is recorded with its parent", () => {
    const r = runEvents();
    const state = foldRun(record(r.taskRunId, r.submitted()));
    const root = { stackRunId: r.rootId, activation: 1, at: 1000, depth: 0, worker: "w", timing, logs: [], waitingBefore: new Set<number>(), taskVersions, ...declared };
    const alone = activationAppend({ ...root, outcome: { kind: "suspended", calls: [call(0)] } }, limits, state, Infinity, () => false);
    expect(() => withNestedStarts(alone, [startOf(alone.events[0]!, { kind: "suspended", calls: [call(0)] })], limits, state, 2000)).toThrow(/only an activation that ended without calls/);
  });
});
