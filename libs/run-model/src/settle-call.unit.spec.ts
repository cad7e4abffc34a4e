import { newId, StackCompleted } from "@tasker/contracts";
import { describe, expect, it } from "vitest";
import { RUN_OPEN } from "./decision.js";
import { settleCall } from "./decisions/settle-call.js";

const call = newId();

describe("settleCall: a wrapped call's outcome, recorded under its guard", () => {
  it("records a metered call's token usage in its stack.completed, and none for a call without", () => {
    const usage = { inputTokens: 12, outputTokens: 5, totalTokens: 17 };
    const metered = settleCall(call, 1, { ok: true, value: { text: "hi" }, usage });
    expect(metered).toEqual({ expected: [{ guard: `stack:${call}`, version: 1 }, RUN_OPEN], events: [{ type: "stack.completed", data: { stackRunId: call, result: { text: "hi" }, usage } }] });
    expect(settleCall(call, 1, { ok: true, value: 3 }).events).toEqual([{ type: "stack.completed", data: { stackRunId: call, result: 3 } }]);
  });

  it("reads a stack.completed with or without usage, and refuses a usage that is not token counts", () => {
    expect(StackCompleted.safeParse({ type: "stack.completed", data: { stackRunId: call, result: null } }).success).toBe(true);
    expect(StackCompleted.safeParse({ type: "stack.completed", data: { stackRunId: call, result: null, usage: { inputTokens: 1, outputTokens: 0, totalTokens: 1 } } }).success).toBe(true);
    expect(StackCompleted.safeParse({ type: "stack.completed", data: { stackRunId: call, result: null, usage: { inputTokens: -1, outputTokens: 0, totalTokens: 1 } } }).success).toBe(false);
  });
});
