import { newId } from "@tasker/contracts";
import { given, record, runEvents } from "@tasker/testing";
import { describe, expect, it } from "vitest";
import { initialRunState } from "./run-state.js";
import { foldRun } from "./evolve.js";
import { decidesNothingMore, markDecided } from "./follow-ups.js";
import { awaitsDecision, decideAll, decideWake, whatWakes } from "./wakes.js";

describe("whatWakes", () => {
  const r = runEvents();
  const child = newId();

  it("lets logs, created calls and resumes pass without a decision", () => {
    const quiet = record(r.taskRunId, [
      ...r.submitted(),
      r.call(child, 0),
      r.resumed(2),
      { type: "log.appended", data: { stackRunId: r.rootId, level: "info", message: "hi", at: new Date(0).toISOString() } },
    ]);
    expect(quiet.flatMap(whatWakes)).toEqual([]);
  });

  it("wakes a settled stack run's parent, a suspended stack run, and a cancel", () => {
    const [completed, suspended, cancel] = record(r.taskRunId, [
      r.completed(child, 1),
      r.suspended(1, [0]),
      { type: "run.cancel-requested", data: { taskRunId: r.taskRunId, reason: "stop" } },
    ]);
    expect(whatWakes(completed!)).toEqual([
      { kind: "orphans", stackRunId: child },
      { kind: "settled", stackRunId: child },
    ]);
    expect(whatWakes(suspended!)).toEqual([{ kind: "suspended", stackRunId: r.rootId }]);
    expect(whatWakes(cancel!)).toEqual([{ kind: "cancel-requested", reason: "stop" }]);
  });
});

describe("awaitsDecision", () => {
  const r = runEvents();
  const child = newId();
  const history = [...r.submitted(), r.call(child, 0)];

  it("asks for a read unless the writer decided everything on the stream just before its append", () => {
    const appended = [r.suspended(1, [0]), r.completed(child, "x")];
    // Decided on version 3 (the stream as it was): recorded at 4 and 5, as marked.
    const [suspended, completed] = record(r.taskRunId, [...history, ...markDecided(appended, 3)]).slice(3);
    expect([awaitsDecision(suspended!), awaitsDecision(completed!)]).toEqual([false, false]);
    // Decided on version 2: another writer's event (version 3) came between, so the marks do not hold.
    const stale = record(r.taskRunId, [...history, ...markDecided(appended, 2)]).slice(3);
    expect(stale.map(awaitsDecision)).toEqual([true, true]);
    // Unmarked: a writer that did not decide.
    expect(record(r.taskRunId, [...history, ...appended]).slice(3).map(awaitsDecision)).toEqual([true, true]);
  });

  it("never asks for a read for an event that wakes no rule", () => {
    expect(record(r.taskRunId, history).map(awaitsDecision)).toEqual([false, false, false]);
  });
});

describe("decidesNothingMore on a run planned before its stream exists (a direct start)", () => {
  const r = runEvents();
  const ended = { type: "run.completed", data: { taskRunId: r.taskRunId, result: 4, silentThrough: 3 } } as const;

  it("names the run from its planned run.submitted, and holds only once the run's end is among the events", () => {
    expect(foldRun(r.submitted()).taskRunId).toBe(r.taskRunId);
    expect(decidesNothingMore(initialRunState(), [...r.submitted(), r.completed(r.rootId, 4), ended], 0)).toBe(true);
    // Without its end, the root's completion still calls for one.
    expect(decidesNothingMore(initialRunState(), [...r.submitted(), r.completed(r.rootId, 4)], 0)).toBe(false);
  });

  it("claims nothing for events that name no run", () => {
    expect(decidesNothingMore(initialRunState(), [r.completed(r.rootId, 4)], 0)).toBe(false);
  });
});

describe("decideWake", () => {
  it("resumes the parent of a settled child, and ends the run for a settled root", () => {
    const r = runEvents();
    const child = newId();
    const history = [...r.submitted(), r.call(child, 0), r.suspended(1, [0]), r.completed(child, "x")];
    given(r.taskRunId, history)
      .when((state) => decideWake(state, { kind: "settled", stackRunId: child }, 0))
      .then([{ type: "resume.requested", data: { stackRunId: r.rootId, activation: 2, results: [{ seq: 0, stackRunId: child, ok: true, value: "x" }], worker: "executor-1" } }]);
    given(r.taskRunId, [...history, r.completed(r.rootId, "done")])
      .when((state) => decideWake(state, { kind: "settled", stackRunId: r.rootId }, 0))
      .then([{ type: "run.completed", data: { taskRunId: r.taskRunId, result: "done", silentThrough: history.length + 1 } }]);
    given(r.taskRunId, history).when((state) => decideWake(state, { kind: "settled", stackRunId: newId() }, 0)).thenNothing();
  });
});

describe("decideAll", () => {
  it("finds the resume a missed event left undecided", () => {
    const r = runEvents();
    const [a, b] = [newId(), newId()];
    const { state } = given(r.taskRunId, [...r.submitted(), r.call(a, 0), r.call(b, 1), r.suspended(1, [0, 1]), r.completed(a, 1), r.completed(b, 2)]);
    const decisions = decideAll(state, 0);
    expect(decisions).toHaveLength(1);
    expect(decisions[0]?.events[0]).toMatchObject({ type: "resume.requested", data: { activation: 2, results: [{ seq: 0 }, { seq: 1 }] } });
  });

  it("prefers the run's end, after the cancels of calls left pending, and carries out a cancel that was not acted on", () => {
    const r = runEvents();
    const child = newId();
    const base = [...r.submitted(), r.call(child, 0), r.suspended(1, [0])];
    const cancel = { type: "run.cancel-requested" as const, data: { taskRunId: r.taskRunId, reason: null } };
    const cancelled = decideAll(given(r.taskRunId, [...base, cancel]).state, 0);
    expect(cancelled.map((decision) => decision.events.at(-1)?.type)).toEqual(["run.cancelled"]);
    const ended = decideAll(given(r.taskRunId, [...base, r.completed(r.rootId, 1)]).state, 0);
    // The root returned with its call pending: the call is cancelled first, then the run ends.
    expect(ended.map((decision) => decision.events.at(-1)?.type)).toEqual(["stack.failed", "run.completed"]);
    expect(decideAll(given(r.taskRunId, base).state, 0)).toEqual([]);
  });
});
