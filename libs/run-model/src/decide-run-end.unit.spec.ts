import { newId } from "@tasker/contracts";
import { describe, expect, it } from "vitest";
import { decideCancel } from "./decisions/decide-cancel.js";
import { decideResume } from "./decisions/decide-resume.js";
import { decideRunEnd } from "./decisions/decide-run-end.js";
import { given } from "./test-support/given.js";
import { runEvents } from "./test-support/run-events.js";

const runGuard = { guard: "run", version: 0 };

describe("decideRunEnd", () => {
  it("completes the run with the root's result", () => {
    const r = runEvents();
    given(r.taskRunId, [...r.submitted(), r.completed(r.rootId, { ok: 1 })])
      .when(decideRunEnd)
      .then([{ type: "run.completed", data: { taskRunId: r.taskRunId, result: { ok: 1 } } }], runGuard);
  });

  it("fails the run with the root's error", () => {
    const r = runEvents();
    const error = { code: "TASK_THREW", message: "boom" };
    given(r.taskRunId, [...r.submitted(), r.failed(r.rootId, error)])
      .when(decideRunEnd)
      .then([{ type: "run.failed", data: { taskRunId: r.taskRunId, error } }], runGuard);
  });

  it("waits for the root: a child's completion does not end the run", () => {
    const r = runEvents();
    const child = newId();
    given(r.taskRunId, [...r.submitted(), r.call(child, 0), r.suspended(1, [0]), r.completed(child, 1)]).when(decideRunEnd).thenNothing();
  });
});

describe("decideCancel", () => {
  it("fails every unfinished stack run, deepest first, with CANCELLED, then cancels the run", () => {
    const r = runEvents();
    const [done, open, nested, grandchild] = [newId(), newId(), newId(), newId()];
    const history = [
      ...r.submitted(),
      r.call(done, 0),
      r.call(open, 1),
      r.call(nested, 2, r.rootId, 1, "tasks"),
      r.suspended(1, [0, 1, 2]),
      r.call(grandchild, 0, nested, 2),
      r.suspended(1, [0], nested),
      r.completed(done, "ok"),
    ];
    const error = { code: "CANCELLED", message: "cancelled: user asked" };
    const { decision } = given(r.taskRunId, history).when((state) => decideCancel(state, "user asked"));
    // The run's end, and the activations of the unsettled tasks (the root at 1, `nested` at 1; not gapi calls).
    expect(decision?.expected).toEqual([runGuard, { guard: `stack:${nested}`, version: 1 }, { guard: `stack:${r.rootId}`, version: 1 }]);
    const events = decision!.events;
    expect(events.at(-1)).toEqual({ type: "run.cancelled", data: { taskRunId: r.taskRunId, reason: "user asked" } });
    const failed = events.slice(0, -1);
    expect(failed.map((event) => event.type)).toEqual(["stack.failed", "stack.failed", "stack.failed", "stack.failed"]);
    expect(failed.map((event) => event.data)).toEqual(
      expect.arrayContaining([grandchild, open, nested, r.rootId].map((stackRunId) => ({ stackRunId, error }))),
    );
    expect((failed[0]!.data as { stackRunId: string }).stackRunId).toBe(grandchild);
    expect((failed[3]!.data as { stackRunId: string }).stackRunId).toBe(r.rootId);
  });
});

describe("an ended run", () => {
  it("takes no decision any more", () => {
    const r = runEvents();
    const child = newId();
    const history = [
      ...r.submitted(),
      r.call(child, 0),
      r.suspended(1, [0]),
      { type: "run.cancel-requested" as const, data: { taskRunId: r.taskRunId, reason: null } },
      { type: "run.cancelled" as const, data: { taskRunId: r.taskRunId, reason: null } },
      r.completed(child, 1),
      r.completed(r.rootId, 2),
    ];
    given(r.taskRunId, history).when((state) => decideResume(state, r.rootId)).thenNothing();
    given(r.taskRunId, history).when(decideRunEnd).thenNothing();
    given(r.taskRunId, history).when((state) => decideCancel(state, "again")).thenNothing();
    const completed = [...r.submitted(), r.completed(r.rootId, 1), { type: "run.completed" as const, data: { taskRunId: r.taskRunId, result: 1 } }];
    given(r.taskRunId, completed).when(decideRunEnd).thenNothing();
  });
});
