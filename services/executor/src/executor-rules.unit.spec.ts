import { newId, type RecordedEvent, runStreamId } from "@tasker/contracts";
import { hashArgs } from "@tasker/sandbox";
import { describe, expect, it } from "vitest";
import { activationEvents } from "./activation-events.js";
import { stackRunHistory } from "@tasker/run-model";

const streamId = runStreamId(newId());
let version = 0;
function recorded(type: string, data: object): RecordedEvent {
  version++;
  return {
    type,
    data,
    metadata: { eventId: newId(), streamId, streamVersion: version, position: version, recordedAt: new Date().toISOString(), traceparent: null, causationId: null, correlationId: null },
  } as RecordedEvent;
}

describe("a stack run's history", () => {
  const root = newId();
  const [a, b, c] = [newId(), newId(), newId()];
  const created = (stackRunId: string, seq: number, args: unknown[]) =>
    recorded("stack.created", { stackRunId, parentStackRunId: root, seq, service: "gapi", method: ["x"], args, depth: 1, taskVersion: null });
  const events = [
    recorded("stack.created", { stackRunId: root, parentStackRunId: null, seq: null, service: "tasks", method: ["execute"], args: ["t", { n: 1 }], depth: 0, taskVersion: "v" }),
    created(a, 0, [{ q: 1 }]),
    created(b, 1, [{ q: 2 }]),
    recorded("vm.suspended", { stackRunId: root, activation: 1, at: 1000, waitingOn: [0, 1], worker: "w" }),
    recorded("stack.completed", { stackRunId: a, result: "A" }),
    recorded("resume.requested", { stackRunId: root, activation: 2, results: [{ seq: 0, stackRunId: a, ok: true, value: "A" }], worker: "w" }),
    recorded("vm.resumed", { stackRunId: root, activation: 2, at: 2000 }),
    created(c, 2, []),
    recorded("vm.suspended", { stackRunId: root, activation: 2, at: 2000, waitingOn: [1, 2], worker: "w" }),
  ];

  it("is the journal of activations, with their times, deliveries and calls, in order", () => {
    const history = stackRunHistory(events, root);
    expect(history.journal).toEqual([
      {
        at: 1000,
        results: [],
        calls: [
          { seq: 0, service: "gapi", method: ["x"], argsHash: hashArgs([{ q: 1 }]) },
          { seq: 1, service: "gapi", method: ["x"], argsHash: hashArgs([{ q: 2 }]) },
        ],
      },
      { at: 2000, results: [{ seq: 0, ok: true, value: "A" }], calls: [{ seq: 2, service: "gapi", method: ["x"], argsHash: hashArgs([]) }] },
    ]);
    expect([...history.pending].sort()).toEqual([1, 2]);
    expect(history.created?.args).toEqual(["t", { n: 1 }]);
    expect(history.ended || history.runEnded).toBe(false);
    // Its calls needed gapi: a replay warns of it no more.
    expect([...history.usesSeen]).toEqual(["gapi"]);
  });

  it("knows when the stack run or its run ended", () => {
    expect(stackRunHistory([...events, recorded("stack.failed", { stackRunId: root, error: { code: "X", message: "x" } })], root).ended).toBe(true);
    expect(stackRunHistory([...events, recorded("run.cancelled", { taskRunId: newId(), reason: null })], root).runEnded).toBe(true);
  });
});

describe("the events of an activation", () => {
  const base = { stackRunId: newId(), at: 5000, depth: 2, worker: "w1", timing: { kind: "start" as const, durationMs: 3 }, logs: [], pending: new Set([0, 1]), taskVersions: new Map([["child", "v9"]]), refused: new Map() };

  it("records new calls, pinning the version of a task call, then the suspension", () => {
    const events = activationEvents({
      ...base,
      activation: 1,
      outcome: { kind: "suspended", calls: [{ seq: 0, service: "tasks", method: ["execute"], args: ["child", {}] }, { seq: 1, service: "gapi", method: ["a", "b"], args: [] }] },
    });
    expect(events.map((event) => event.type)).toEqual(["stack.created", "stack.created", "vm.suspended"]);
    expect(events[0]!.data).toMatchObject({ parentStackRunId: base.stackRunId, seq: 0, depth: 3, taskVersion: "v9" });
    expect(events[1]!.data).toMatchObject({ service: "gapi", taskVersion: null });
    expect(events[2]!.data).toEqual({ stackRunId: base.stackRunId, activation: 1, at: 5000, waitingOn: [0, 1], worker: "w1", durationMs: 3 });
  });

  it("starts a resume with vm.resumed saying how it got its VM, keeps log lines, and records a refused call as failed at once", () => {
    const refusal = { code: "TASK_NOT_FOUND", name: "Error", message: "no task" };
    const events = activationEvents({
      ...base,
      activation: 3,
      timing: { kind: "replay", durationMs: 12.5 },
      logs: [{ level: "warn", message: "careful", at: 5000, stackRunId: base.stackRunId }],
      outcome: { kind: "suspended", calls: [{ seq: 4, service: "tasks", method: ["execute"], args: ["nope", {}] }] },
      refused: new Map([[4, refusal]]),
    });
    expect(events.map((event) => event.type)).toEqual(["vm.resumed", "log.appended", "stack.created", "stack.failed", "vm.suspended"]);
    expect(events[0]!.data).toEqual({ stackRunId: base.stackRunId, activation: 3, at: 5000, kind: "replay" });
    expect(events[4]!.data).toMatchObject({ activation: 3, durationMs: 12.5 });
    expect(events[1]!.data).toMatchObject({ level: "warn", message: "careful", at: new Date(5000).toISOString() });
    expect(events[3]!.data).toEqual({ stackRunId: (events[2]!.data as { stackRunId: string }).stackRunId, error: refusal });
  });

  it("ends with stack.completed or stack.failed, after the calls made in it", () => {
    const call = { seq: 2, service: "tasks", method: ["execute"], args: ["child", {}] };
    const completed = activationEvents({ ...base, activation: 1, outcome: { kind: "completed", result: { ok: 1 }, calls: [call] } });
    expect(completed.map((event) => event.type)).toEqual(["stack.created", "stack.completed"]);
    expect(completed[0]!.data).toMatchObject({ parentStackRunId: base.stackRunId, seq: 2, taskVersion: "v9" });
    expect(completed.at(-1)).toEqual({ type: "stack.completed", data: { stackRunId: base.stackRunId, result: { ok: 1 }, durationMs: 3 } });
    const failed = activationEvents({ ...base, activation: 2, outcome: { kind: "failed", error: { code: "TASK_ERROR", name: "TypeError", message: "x is not a function" }, calls: [] } });
    expect(failed.at(-1)).toEqual({ type: "stack.failed", data: { stackRunId: base.stackRunId, error: { code: "TASK_ERROR", name: "TypeError", message: "x is not a function" }, durationMs: 3 } });
  });
});
