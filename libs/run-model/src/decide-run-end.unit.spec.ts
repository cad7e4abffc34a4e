import { newId } from "@tasker/contracts";
import { given, runEvents } from "@tasker/testing";
import { describe, expect, it } from "vitest";
import { decideCancel } from "./decisions/decide-cancel.js";
import { decideResume } from "./decisions/decide-resume.js";
import { decideRunEnd } from "./decisions/decide-run-end.js";

const runGuard = [{ guard: "run", version: 0 }];

describe("decideRunEnd", () => {
  it("completes the run with the root's result", () => {
    const r = runEvents();
    given(r.taskRunId, [...r.submitted(), r.completed(r.rootId, { ok: 1 })])
      .when(decideRunEnd)
      .then([{ type: "run.completed", data: { taskRunId: r.taskRunId, result: { ok: 1 }, silentThrough: 3 } }], runGuard);
  });

  it("fails the run with the root's error", () => {
    const r = runEvents();
    const error = { code: "TASK_THREW", message: "boom" };
    given(r.taskRunId, [...r.submitted(), r.failed(r.rootId, error)])
      .when(decideRunEnd)
      .then([{ type: "run.failed", data: { taskRunId: r.taskRunId, error, silentThrough: 3 } }], runGuard);
  });

  it("waits for the root: a child's completion does not end the run", () => {
    const r = runEvents();
    const child = newId();
    given(r.taskRunId, [...r.submitted(), r.call(child, 0), r.suspended(1, [0]), r.completed(child, 1)]).when(decideRunEnd).thenNothing();
  });
});

describe("decideCancel", () => {
  /** A run of `width` children per level, `levels` deep, all waiting: a big tree to cancel. */
  function wideRun(width: number, levels: number) {
    const r = runEvents();
    const history = [...r.submitted()];
    let parents = [r.rootId];
    for (let depth = 1; depth <= levels; depth++) {
      const next: string[] = [];
      for (const parent of parents) {
        for (let seq = 0; seq < width; seq++) {
          const child = newId();
          history.push(r.call(child, seq, parent, depth, "tasks"));
          next.push(child);
        }
        history.push(r.suspended(1, Array.from({ length: width }, (_, seq) => seq), parent));
      }
      parents = next;
    }
    return { r, history };
  }

  it("is one event under the run's own guard, whatever the size of the run", () => {
    for (const [width, levels] of [[1, 1], [4, 5]] as const) {
      const { r, history } = wideRun(width, levels);
      given(r.taskRunId, history)
        .when((state) => decideCancel(state, "user asked"))
        .then([{ type: "run.cancelled", data: { taskRunId: r.taskRunId, reason: "user asked", silentThrough: history.length } }], runGuard);
    }
  });

  it("ends every unsettled stack run with the run: none resumes or settles afterwards", () => {
    const { r, history } = wideRun(2, 2);
    const cancelled = given(r.taskRunId, [...history, { type: "run.cancelled" as const, data: { taskRunId: r.taskRunId, reason: null } }]);
    const statuses = new Set([...cancelled.state.stackRuns.values()].map((run) => run.status));
    expect(statuses).toEqual(new Set(["cancelled"]));
    const leaf = [...cancelled.state.stackRuns.values()].find((run) => run.depth === 2)!;
    const late = given(r.taskRunId, [...history, { type: "run.cancelled" as const, data: { taskRunId: r.taskRunId, reason: null } }, r.completed(leaf.stackRunId, 1)]);
    expect(late.state.stackRuns.get(leaf.stackRunId)?.status).toBe("cancelled");
    expect(decideResume(late.state, leaf.parentStackRunId!)).toBeNull();
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
