import { newId, type TaskerEvent } from "@tasker/contracts";
import { given, runEvents } from "@tasker/testing";
import { describe, expect, it } from "vitest";
import { RUN_OPEN, stackGuard } from "./decision.js";
import { cancelOrphans } from "./decisions/cancel-orphans.js";
import { decideResume } from "./decisions/decide-resume.js";
import { canRecordActivation, isOver } from "./run-state.js";
import { decideWakes } from "./wakes.js";

const at = Date.UTC(2026, 10, 30);
const warn = (stackRunId: string, message: string): TaskerEvent => ({ type: "log.appended", data: { stackRunId, level: "warn", message, at: new Date(at).toISOString() } });
const cancelled = (stackRunId: string, message: string): TaskerEvent => ({
  type: "stack.failed",
  data: { stackRunId, error: { code: "CANCELLED", name: "CancelledError", message } },
});

/** A root that made a task call (itself suspended on a call of its own), a call that settled, and a wrapped call. */
function tree() {
  const r = runEvents();
  const [child, grandchild, settled, wrapped] = [newId(), newId(), newId(), newId()];
  const history: TaskerEvent[] = [
    ...r.submitted(),
    r.call(child, 0, r.rootId, 1, "tasks"),
    r.call(settled, 1),
    r.call(wrapped, 2),
    r.suspended(1, [0, 1, 2]),
    r.call(grandchild, 0, child, 2),
    r.suspended(1, [0], child),
    r.completed(settled, "done"),
  ];
  return { r, child, grandchild, settled, wrapped, history };
}

describe("cancelOrphans", () => {
  it("cancels each unsettled call of a stack run that returned, each after a warning in its log, under its own guard", () => {
    const { r, child, wrapped, history } = tree();
    given(r.taskRunId, [...history, r.completed(r.rootId, "ok")])
      .when((state) => cancelOrphans(state, r.rootId, at))
      .then(
        [
          warn(r.rootId, "tasks.admin.list (call 0) was still pending when the task returned; it is cancelled and its result ignored"),
          cancelled(child, "tasks.admin.list (call 0) was cancelled: its caller returned before it settled"),
          warn(r.rootId, "gapi.admin.list (call 2) was still pending when the task returned; it is cancelled and its result ignored"),
          cancelled(wrapped, "gapi.admin.list (call 2) was cancelled: its caller returned before it settled"),
        ],
        // At the activations recorded of each: a suspended task at its last one.
        [{ guard: stackGuard(child), version: 1 }, { guard: stackGuard(wrapped), version: 0 }, RUN_OPEN],
      );
  });

  it("says the caller failed when it failed, and was cancelled when it was", () => {
    const { r, child, grandchild, history } = tree();
    const failed = given(r.taskRunId, [...history, r.failed(r.rootId, { code: "TASK_ERROR", message: "boom" })]).when((state) => cancelOrphans(state, r.rootId, at));
    expect(failed.decision?.events[0]).toMatchObject({ data: { message: "tasks.admin.list (call 0) was still pending when the task failed; it is cancelled and its result ignored" } });
    expect(failed.decision?.events[1]).toMatchObject({ data: { error: { message: "tasks.admin.list (call 0) was cancelled: its caller failed before it settled" } } });
    given(r.taskRunId, [...history, r.completed(r.rootId, "ok"), ...failed.decision!.events])
      .when((state) => cancelOrphans(state, child, at))
      .then(
        [
          warn(child, "gapi.admin.list (call 0) was still pending when the task was cancelled; it is cancelled and its result ignored"),
          cancelled(grandchild, "gapi.admin.list (call 0) was cancelled: its caller was cancelled before it settled"),
        ],
        [{ guard: stackGuard(grandchild), version: 0 }, RUN_OPEN],
      );
  });

  it("is decided on a settled stack run's wake, before the run's end, and a level down on each cancel's wake", () => {
    const { r, grandchild, history } = tree();
    const completed = r.completed(r.rootId, "ok");
    const decisions = decideWakes(given(r.taskRunId, [...history, completed]).state, [completed], at);
    expect(decisions.map((decision) => decision.events.at(-1)?.type)).toEqual(["stack.failed", "run.completed"]);
    const cancels = [...decisions[0]!.events];
    const below = decideWakes(given(r.taskRunId, [...history, completed, ...cancels]).state, cancels, at);
    expect(below.flatMap((decision) => decision.events.flatMap((event) => (event.type === "stack.failed" ? [event.data.stackRunId] : [])))).toEqual([grandchild]);
  });

  it("leaves nothing once applied level by level: a late result ignored, no resume, no new activation of a cancelled task", () => {
    const { r, child, grandchild, history } = tree();
    const ended = [...history, r.completed(r.rootId, "ok")];
    const first = given(r.taskRunId, ended).when((state) => cancelOrphans(state, r.rootId, at)).decision!;
    const second = given(r.taskRunId, [...ended, ...first.events]).when((state) => cancelOrphans(state, child, at)).decision!;
    const after = given(r.taskRunId, [...ended, ...first.events, ...second.events, r.completed(grandchild, 1), r.completed(child, 2)]).state;
    expect([...after.stackRuns.values()].every(isOver)).toBe(true);
    expect(after.stackRuns.get(child)?.outcome).toMatchObject({ ok: false, error: { code: "CANCELLED" } });
    expect(decideResume(after, child)).toBeNull();
    expect(canRecordActivation(after, child, 2)).toBe(false);
    given(r.taskRunId, [...ended, ...first.events]).when((state) => cancelOrphans(state, r.rootId, at)).thenNothing();
  });

  it("decides nothing for a stack run with no call pending, one not settled, or a run that ended", () => {
    const r = runEvents();
    const child = newId();
    given(r.taskRunId, [...r.submitted(), r.completed(r.rootId, 1)]).when((state) => cancelOrphans(state, r.rootId, at)).thenNothing();
    const waiting = [...r.submitted(), r.call(child, 0), r.suspended(1, [0])];
    given(r.taskRunId, waiting).when((state) => cancelOrphans(state, r.rootId, at)).thenNothing();
    const cancel = { type: "run.cancelled" as const, data: { taskRunId: r.taskRunId, reason: null } };
    given(r.taskRunId, [...waiting, cancel]).when((state) => cancelOrphans(state, r.rootId, at)).thenNothing();
  });
});

describe("canRecordActivation", () => {
  it("holds for the next activation of a stack run under way in an open run, only", () => {
    const { r, child, history } = tree();
    const { state } = given(r.taskRunId, history);
    expect(canRecordActivation(state, r.rootId, 2)).toBe(true);
    expect(canRecordActivation(state, r.rootId, 1)).toBe(false);
    expect(canRecordActivation(state, child, 2)).toBe(true);
    expect(canRecordActivation(state, newId(), 1)).toBe(false);
    expect(canRecordActivation(given(r.taskRunId, [...history, r.completed(r.rootId, 1)]).state, r.rootId, 2)).toBe(false);
  });
});
