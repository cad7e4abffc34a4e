import { echo, errorOf, resultOf, runLive, source, startTask, useSandbox } from "@tasker/testing";
import { describe, expect, it } from "vitest";

// After each test every VM was disposed and QuickJS freed every runtime: nothing leaked.
const sandbox = useSandbox();

describe("calls made and not awaited", () => {
  it("are reported by a task that returns at once, the same as by one that awaits something after them", async () => {
    const returns = source(`export default async function (input, tools) {
      tools.tasks.execute("child", { n: 1 });
      return "done";
    }`);
    const { outcome } = await startTask(sandbox.current, returns);
    expect(resultOf(outcome)).toBe("done");
    expect(outcome.calls).toEqual([{ seq: 0, service: "tasks", method: ["execute"], args: ["child", { n: 1 }] }]);

    const awaitsLater = source(`export default async function (input, tools) {
      tools.tasks.execute("child", { n: 1 });
      await tools.sleep(10);
      return "done";
    }`);
    const started = await startTask(sandbox.current, awaitsLater);
    expect(started.outcome.calls.map((call) => call.service)).toEqual(["tasks", "sleep"]);
    expect(resultOf(started.vm.resume({ at: 2, results: [{ seq: 1, ok: true, value: null }] }))).toBe("done");
  });

  it("are reported by the activation that made them, whatever its outcome: a later return, a throw", async () => {
    const code = source(`export default async function (input, tools) {
      await tools.keystore.get("a");
      tools.gapi.admin.users.list({});
      if (input.fail) throw new Error("boom");
      return 1;
    }`);
    const returned = await runLive(sandbox.current, code, echo, { input: { fail: false } });
    expect(resultOf(returned.outcome)).toBe(1);
    expect(returned.outcome.calls).toMatchObject([{ seq: 1, service: "gapi", method: ["admin", "users", "list"] }]);
    expect(returned.journal.map((activation) => activation.calls.map((call) => call.seq))).toEqual([[0], [1]]);

    const threw = await runLive(sandbox.current, code, echo, { input: { fail: true } });
    expect(errorOf(threw.outcome).message).toContain("boom");
    expect(threw.outcome.calls).toMatchObject([{ seq: 1, service: "gapi" }]);
  });

  it("replay to the same outcome: the last activation's calls are the journal's", async () => {
    const code = source(`export default async function (input, tools) {
      const a = await tools.keystore.get("a");
      tools.tasks.execute("child", a);
      return a;
    }`);
    const live = await runLive(sandbox.current, code);
    const { outcome } = await sandbox.current.replay({ stackRunId: "run-1/stack-1", taskName: "task", source: code, input: { n: 1 }, journal: live.journal, onLog: () => {} });
    expect(resultOf(outcome)).toEqual(resultOf(live.outcome));
    expect(outcome.calls).toEqual(live.outcome.calls);
    const dropped = live.journal.map((activation, i) => (i === 1 ? { ...activation, calls: [] } : activation));
    const diverged = await sandbox.current.replay({ stackRunId: "run-1/stack-1", taskName: "task", source: code, input: { n: 1 }, journal: dropped, onLog: () => {} });
    expect(errorOf(diverged.outcome).code).toBe("NON_DETERMINISM");
    expect(diverged.outcome.calls).toEqual([]);
  });
});
