import { newId, type NewEvent, type RecordedEvent, runStreamId } from "@tasker/contracts";
import { foldRun } from "@tasker/run-model";
import { describe, expect, it } from "vitest";
import { followUpOf } from "./follow-up.js";

const taskRunId = newId();
const streamId = runStreamId(taskRunId);
const [root, child, sibling] = [newId(), newId(), newId()];
let version = 0;
const recorded = (type: string, data: object) =>
  ({ type, data, metadata: { eventId: newId(), streamId, streamVersion: ++version, position: version, recordedAt: new Date().toISOString(), traceparent: null, causationId: null, correlationId: null } }) as RecordedEvent;
const created = (stackRunId: string, seq: number) =>
  recorded("stack.created", { stackRunId, parentStackRunId: root, seq, service: "tasks", method: ["execute"], args: ["t", {}], depth: 1, taskVersion: "v" });
const base = [
  recorded("run.submitted", { taskRunId, taskName: "p", taskVersion: "v", input: {}, idempotencyKey: null }),
  recorded("stack.created", { stackRunId: root, parentStackRunId: null, seq: null, service: "tasks", method: ["execute"], args: ["p", {}], depth: 0, taskVersion: "v" }),
  created(child, 0),
  created(sibling, 1),
  recorded("vm.suspended", { stackRunId: root, activation: 1, at: 1, waitingOn: [0, 1], worker: "w" }),
];
/** Nothing held here: the decisions come from the state read. */
const here = { stackRunId: child, seq: 0, parentHeldAt: undefined, worker: "w" };
const completed = (stackRunId: string): NewEvent => ({ type: "stack.completed", data: { stackRunId, result: 7 } });

describe("what an ended stack run decides for its run", () => {
  it("ends the run with the root's result or error, under the run's guard", () => {
    expect(followUpOf({ taskRunId, parentStackRunId: null, outcome: { kind: "completed", result: 7 }, events: [], state: undefined, streamId, ...here })).toEqual({
      guards: [{ guard: "run", version: 0 }],
      events: [{ type: "run.completed", data: { taskRunId, result: 7 } }],
      optional: false,
    });
    const error = { code: "TASK_ERROR", name: "Error", message: "no" };
    expect(followUpOf({ taskRunId, parentStackRunId: null, outcome: { kind: "failed", error }, events: [], state: undefined, streamId, ...here })?.events).toEqual([
      { type: "run.failed", data: { taskRunId, error } },
    ]);
  });

  it("resumes the suspended parent with the child's result, as an optional decision", () => {
    const followUp = followUpOf({ taskRunId, parentStackRunId: root, outcome: { kind: "completed", result: 7 }, events: [completed(child)], state: foldRun(base), streamId, ...here });
    expect(followUp).toEqual({
      guards: [{ guard: `resume:${root}`, version: 0 }],
      events: [{ type: "resume.requested", data: { stackRunId: root, activation: 2, results: [{ seq: 0, stackRunId: child, ok: true, value: 7 }], worker: "w" } }],
      optional: true,
    });
  });

  it("leaves a parent that is running, or a suspended VM, alone", () => {
    const running = [...base, recorded("resume.requested", { stackRunId: root, activation: 2, results: [{ seq: 1, stackRunId: sibling, ok: true, value: 1 }], worker: "w" })];
    expect(followUpOf({ taskRunId, parentStackRunId: root, outcome: { kind: "completed", result: 7 }, events: [completed(child)], state: foldRun(running), streamId, ...here })).toBeUndefined();
    expect(followUpOf({ taskRunId, parentStackRunId: root, outcome: { kind: "suspended", calls: [] }, events: [], state: foldRun(base), streamId, ...here })).toBeUndefined();
    expect(followUpOf({ taskRunId, parentStackRunId: root, outcome: { kind: "completed", result: 7 }, events: [completed(child)], state: undefined, streamId, ...here })).toBeUndefined();
  });

  it("resumes a parent whose VM is held here without reading the run: with this result, under the resume guard", () => {
    const followUp = followUpOf({ ...here, taskRunId, parentStackRunId: root, parentHeldAt: 3, worker: "me", outcome: { kind: "failed", error: { code: "X", name: "Error", message: "no" } }, events: [], state: undefined, streamId });
    expect(followUp).toEqual({
      guards: [{ guard: `resume:${root}`, version: 2 }],
      events: [{ type: "resume.requested", data: { stackRunId: root, activation: 4, results: [{ seq: 0, stackRunId: child, ok: false, error: { code: "X", name: "Error", message: "no" } }], worker: "me" } }],
      optional: true,
    });
  });
});
