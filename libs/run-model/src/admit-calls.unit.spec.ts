import { describe, expect, it } from "vitest";
import { type AdmissionContext, admitCalls, type ProposedCall } from "./decisions/admit-calls.js";

const context: AdmissionContext = {
  depth: 0,
  maxDepth: 3,
  taskVersionOf: (name) => (name === "echo" ? "v-echo" : null),
  pendingBefore: 0,
  maxPendingCalls: 100,
  stackRunsLeft: Number.POSITIVE_INFINITY,
  maxStackRuns: 10_000,
  maxTimerMs: 60_000,
  canSealSecrets: true,
  caller: { task: "caller", uses: [] },
  enforceUses: false,
};

const task = (seq: number, name: unknown, method = ["execute"]): ProposedCall => ({ seq, service: "tasks", method, args: [name, {}] });
const gapi = (seq: number): ProposedCall => ({ seq, service: "gapi", method: ["admin", "domains", "list"], args: [{}] });
const codes = (refused: Map<number, { code: string | number }>) => Object.fromEntries([...refused].map(([seq, error]) => [seq, error.code]));

describe("admitCalls", () => {
  it("admits calls of known services and published tasks", () => {
    expect(admitCalls([task(0, "echo"), gapi(1)], context).size).toBe(0);
  });

  it("refuses an unknown service, a tasks call that is not execute(name), and an unpublished task", () => {
    const refused = admitCalls(
      [{ seq: 0, service: "fax", method: ["send"], args: [] }, task(1, "echo", ["other"]), task(2, 42), task(3, "no/such"), task(4, "bad name")],
      context,
    );
    expect(codes(refused)).toEqual({ 0: "UNKNOWN_SERVICE", 1: "INVALID_ARGUMENT", 2: "INVALID_ARGUMENT", 3: "TASK_NOT_FOUND", 4: "INVALID_ARGUMENT" });
    expect(refused.get(3)?.message).toContain('"no/such"');
  });

  it("refuses a nested task past the depth limit, naming the setting", () => {
    const refused = admitCalls([task(0, "echo"), gapi(1)], { ...context, depth: 3 });
    expect(codes(refused)).toEqual({ 0: "MAX_DEPTH_EXCEEDED" });
    expect(refused.get(0)?.message).toContain("TASKER_MAX_DEPTH");
  });

  it("refuses the calls that would make more wait at once than allowed, counting those still waiting", () => {
    const refused = admitCalls([gapi(5), task(6, "nope"), gapi(7), gapi(8)], { ...context, pendingBefore: 3, maxPendingCalls: 5 });
    // 5 and 7 wait with the 3 before them; 6 is refused for itself and does not wait; 8 would be the sixth.
    expect(codes(refused)).toEqual({ 6: "TASK_NOT_FOUND", 8: "TOO_MANY_PENDING_CALLS" });
  });

  it("refuses the calls past what the run has left, so that a run's size is bounded", () => {
    const refused = admitCalls([gapi(0), gapi(1), gapi(2)], { ...context, stackRunsLeft: 2, maxStackRuns: 50 });
    expect(codes(refused)).toEqual({ 2: "TOO_MANY_STACK_RUNS" });
    expect(refused.get(2)?.message).toContain("TASKER_MAX_STACK_RUNS");
  });
});
