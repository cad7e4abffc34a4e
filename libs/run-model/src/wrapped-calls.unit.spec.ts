import { newId, type TaskerEvent } from "@tasker/contracts";
import { given, runEvents } from "@tasker/testing";
import { describe, expect, it } from "vitest";
import { RUN_OPEN } from "./decision.js";
import { decideClaim } from "./decisions/decide-claim.js";
import { decideRetry } from "./decisions/decide-retry.js";
import { decideSignals } from "./decisions/decide-signals.js";
import { decideTimer, type TimerAnswer } from "./decisions/decide-timer.js";
import { cancelOrphans } from "./decisions/cancel-orphans.js";

const call = newId();
const NOW = Date.parse("2026-01-01T00:00:00.000Z");
const iso = (ms: number) => new Date(ms).toISOString();
const started = (attempt: number, leaseUntil: number): TaskerEvent => ({ type: "stack.started", data: { stackRunId: call, worker: `gapi-${attempt}`, attempt, leaseUntil: iso(leaseUntil) } });
const error = { code: "UPSTREAM_5XX", name: "ServiceError", message: "the upstream answered 503" };

function history(...more: TaskerEvent[]) {
  const r = runEvents();
  return given(r.taskRunId, [...r.submitted(), r.call(call, 0), r.suspended(1, [0]), ...more]);
}

describe("decideClaim: one instance per attempt of a wrapped-service call", () => {
  it("takes a call nobody took as attempt 1, moving its guard from 0", () => {
    const claim = decideClaim(history().state, call, { worker: "gapi-a", leaseUntilMs: NOW + 45_000, now: NOW });
    expect(claim).toEqual({
      kind: "claim",
      attempt: 1,
      decision: {
        expected: [{ guard: `stack:${call}`, version: 0 }, RUN_OPEN],
        events: [{ type: "stack.started", data: { stackRunId: call, worker: "gapi-a", attempt: 1, leaseUntil: iso(NOW + 45_000) } }],
      },
    });
  });

  it("leaves a call to the instance whose lease runs, and takes it over as the next attempt once the lease ran out", () => {
    const { state } = history(started(1, NOW + 10_000));
    expect(decideClaim(state, call, { worker: "gapi-b", leaseUntilMs: NOW + 45_000, now: NOW })).toMatchObject({ kind: "wait", untilMs: NOW + 10_000 });
    const later = decideClaim(state, call, { worker: "gapi-b", leaseUntilMs: NOW + 60_000, now: NOW + 10_001 });
    expect(later).toMatchObject({ kind: "claim", attempt: 2, decision: { expected: [{ guard: `stack:${call}`, version: 1 }, RUN_OPEN] } });
  });

  it("waits for a retry's time, then takes the next attempt", () => {
    const retrying: TaskerEvent = { type: "stack.retrying", data: { stackRunId: call, attempt: 1, error, retryAt: iso(NOW + 2000) } };
    const { state } = history(started(1, NOW + 45_000), retrying);
    expect(decideClaim(state, call, { worker: "gapi-a", leaseUntilMs: NOW, now: NOW })).toMatchObject({ kind: "wait", untilMs: NOW + 2000 });
    expect(decideClaim(state, call, { worker: "gapi-a", leaseUntilMs: NOW, now: NOW + 2000 })).toMatchObject({ kind: "claim", attempt: 2 });
  });

  it("skips a call that settled, and every call of a run that ended", () => {
    const r = runEvents();
    expect(decideClaim(history(started(1, NOW), r.completed(call, 1)).state, call, { worker: "w", leaseUntilMs: NOW, now: NOW }).kind).toBe("skip");
    const cancelled: TaskerEvent = { type: "run.cancelled", data: { taskRunId: r.taskRunId, reason: null } };
    expect(decideClaim(history(cancelled).state, call, { worker: "w", leaseUntilMs: NOW, now: NOW }).kind).toBe("skip");
  });

  it("records a retry only while the attempt is still the call's", () => {
    expect(decideRetry(call, 2, error, NOW).expected).toEqual([{ guard: `stack:${call}`, version: 2, check: true }, RUN_OPEN]);
  });

  it("cancels a call a returned caller left, under its guard where the takes left it", () => {
    const r = runEvents();
    const { state } = given(r.taskRunId, [...r.submitted(), r.call(call, 0), r.suspended(1, [0]), started(1, NOW), started(2, NOW), r.completed(r.rootId, null)]);
    expect(cancelOrphans(state, r.rootId, NOW)?.expected).toContainEqual({ guard: `stack:${call}`, version: 2 });
  });
});

describe("decideTimer", () => {
  const fired = (answer: TimerAnswer) => (answer.kind === "fire" ? answer.decision : undefined);
  const timed = (service: string, dueAt: number, args: unknown[] = [], method = ["sleep"]): TaskerEvent => ({
    type: "stack.created",
    data: { stackRunId: call, parentStackRunId: null, seq: 0, service, method, args: args as never, depth: 1, taskVersion: null, dueAt: iso(dueAt) },
  });
  function withTimer(created: TaskerEvent, ...more: TaskerEvent[]) {
    const r = runEvents();
    const events = [...r.submitted(), { ...created, data: { ...created.data, parentStackRunId: r.rootId } } as TaskerEvent, r.suspended(1, [0]), ...more];
    return { r, ...given(r.taskRunId, events) };
  }

  it("completes a sleep with null once due, never before", () => {
    const { state } = withTimer(timed("sleep", NOW, [1000]));
    expect(decideTimer(state, call, NOW - 1)).toEqual({ kind: "early", dueAtMs: NOW });
    expect(fired(decideTimer(state, call, NOW))?.events).toEqual([{ type: "stack.completed", data: { stackRunId: call, result: null } }]);
  });

  it("fails a wait that timed out with TIMEOUT, and a taken call under its guard", () => {
    const wait = withTimer(timed("signals", NOW, ["approve", { timeoutMs: 5 }], ["wait"]));
    expect(fired(decideTimer(wait.state, call, NOW))?.events[0]).toMatchObject({ type: "stack.failed", data: { error: { code: "TIMEOUT", name: "TimeoutError" } } });
    const taken = withTimer(timed("gapi", NOW, [], ["admin", "list"]), started(1, NOW + 1000));
    expect(fired(decideTimer(taken.state, call, NOW))?.expected).toEqual([{ guard: `stack:${call}`, version: 1 }, RUN_OPEN]);
  });

  it("does nothing for a call that settled", () => {
    const { r } = withTimer(timed("sleep", NOW));
    expect(decideTimer(withTimer(timed("sleep", NOW), r.completed(call, null)).state, call, NOW)).toEqual({ kind: "spent" });
  });
});

describe("decideSignals", () => {
  const [w1, w2, w3] = [newId(), newId(), newId()];
  const wait = (r: ReturnType<typeof runEvents>, stackRunId: string, seq: number, name: string): TaskerEvent => ({
    type: "stack.created",
    data: { stackRunId, parentStackRunId: r.rootId, seq, service: "signals", method: ["wait"], args: [name], depth: 1, taskVersion: null },
  });
  const signal = (name: string, payload: unknown): TaskerEvent => ({ type: "signal.received", data: { signalId: newId(), name, payload: payload as never } });

  it("gives the oldest waits the oldest signals of their name, one each, in one append", () => {
    const r = runEvents();
    const { state } = given(r.taskRunId, [...r.submitted(), signal("approve", 1), wait(r, w1, 0, "approve"), wait(r, w2, 1, "approve"), wait(r, w3, 2, "other"), signal("approve", 2), r.suspended(1, [0, 1, 2])]);
    expect(decideSignals(state)).toEqual({
      expected: [{ guard: `stack:${w1}`, version: 0 }, { guard: `stack:${w2}`, version: 0 }, RUN_OPEN],
      events: [
        { type: "stack.completed", data: { stackRunId: w1, result: 1 } },
        { type: "stack.completed", data: { stackRunId: w2, result: 2 } },
      ],
    });
  });

  it("keeps a signal no wait took, and never gives one twice", () => {
    const r = runEvents();
    const { state } = given(r.taskRunId, [...r.submitted(), wait(r, w1, 0, "approve"), signal("approve", "a"), r.completed(w1, "a"), signal("approve", "b"), r.suspended(1, [0])]);
    expect(decideSignals(state)).toBeNull();
    const next = given(r.taskRunId, [...r.submitted(), wait(r, w1, 0, "approve"), signal("approve", "a"), r.completed(w1, "a"), signal("approve", "b"), wait(r, w2, 1, "approve")]);
    expect(decideSignals(next.state)?.events).toEqual([{ type: "stack.completed", data: { stackRunId: w2, result: "b" } }]);
  });

  it("does not count a wait that timed out as having taken a signal", () => {
    const r = runEvents();
    const timedOut = r.failed(w1, { code: "TIMEOUT", name: "TimeoutError", message: "late" });
    const { state } = given(r.taskRunId, [...r.submitted(), wait(r, w1, 0, "approve"), timedOut, signal("approve", "x"), wait(r, w2, 1, "approve")]);
    expect(decideSignals(state)?.events).toEqual([{ type: "stack.completed", data: { stackRunId: w2, result: "x" } }]);
  });
});
