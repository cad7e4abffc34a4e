import { newId } from "@tasker/contracts";
import { given, runEvents } from "@tasker/testing";
import { describe, expect, it } from "vitest";
import { RUN_OPEN } from "./decision.js";
import { decideStart } from "./decisions/decide-start.js";
import { settleAbandoned } from "./decisions/settle-abandoned.js";

const error = { code: "UNPROCESSED", name: "Error", message: "lost" };

describe("settleAbandoned", () => {
  it("fails a start given up on under the stack run's guard at 0, and a resume to k + 1 under it at k", () => {
    const r = runEvents();
    const child = newId();
    const created = r.call(child, 0);
    if (created.type !== "stack.created") throw new Error("a call is recorded as stack.created");
    given(r.taskRunId, [...r.submitted(), created])
      .when(() => settleAbandoned(created, error))
      .then([{ type: "stack.failed", data: { stackRunId: child, error } }], [{ guard: `stack:${child}`, version: 0 }, RUN_OPEN]);
    const resume = { type: "resume.requested" as const, data: { stackRunId: r.rootId, activation: 3, results: [{ seq: 0, stackRunId: child, ok: true as const, value: 1 }], worker: "executor-1" } };
    expect(settleAbandoned(resume, error).expected).toEqual([{ guard: `stack:${r.rootId}`, version: 2 }, RUN_OPEN]);
  });
});

describe("decideStart", () => {
  it("claims a start only while no activation is recorded, without moving the guard the activation is recorded under", () => {
    const start = { worker: "executor-1", attempt: 2, leaseUntil: "2026-11-30T00:00:00.000Z" };
    expect(decideStart("s-1", start)).toEqual({
      expected: [{ guard: "stack:s-1", version: 0, check: true }, RUN_OPEN],
      events: [{ type: "stack.started", data: { stackRunId: "s-1", ...start } }],
    });
  });
});
