import { randomUUID } from "node:crypto";
import { eventually, TaskerSystem } from "@tasker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * Signals: `POST /tasks/:id/signals/:name` and `tools.signals.wait(name, {timeoutMs})`. Each signal is
 * delivered once, in order per name, whether it arrives before, during or after a wait, with VMs kept
 * alive between activations or replayed at every one.
 */
const COLLECT = `module.exports = async (input, { tools }) => {
  const got = [];
  await tools.signals.wait("ready");
  got.push(await tools.signals.wait("x"), await tools.signals.wait("x"));
  got.push(await tools.signals.wait("x"));
  await tools.signals.wait("again");
  got.push(await tools.signals.wait("x"), await tools.signals.wait("x"));
  return got;
};`;

interface WaitingRun {
  status: string;
  waitingOn?: { service: string; seq: number }[];
}

describe.each([["1000"], ["0"]])("signals with TASKER_VM_CACHE_SIZE=%s", (cacheSize) => {
  let tasker: TaskerSystem;

  beforeAll(async () => {
    tasker = await TaskerSystem.start({ TASKER_VM_CACHE_SIZE: cacheSize });
    await tasker.publishExamples("approval-flow", "echo");
    await tasker.publish("collect-signals", COLLECT);
    await tasker.publish(
      "wait-briefly",
      `module.exports = async (input, { tools }) => {
         try { return await tools.signals.wait("never", { timeoutMs: 1000 }); } catch (error) { return { code: error.code, name: error.name }; }
       };`,
    );
  });

  afterAll(async () => {
    await tasker?.stop();
  });

  const signal = (taskRunId: string, name: string, body: unknown) => tasker.request<{ signalId?: string; error?: { code: string; field?: string } }>("POST", `/tasks/${taskRunId}/signals/${name}`, body);

  async function sent(taskRunId: string, name: string, payload: unknown): Promise<void> {
    const answer = await signal(taskRunId, name, { payload });
    expect(answer).toMatchObject({ status: 202, body: { signalId: expect.any(String) } });
  }

  const waitsOn = (taskRunId: string, seq: number) =>
    eventually(async () => {
      const { body } = await tasker.request<WaitingRun>("GET", `/tasks/${taskRunId}`);
      return body.status === "suspended" && (body.waitingOn ?? []).some((call) => call.service === "signals" && call.seq === seq);
    }, `the run waits on its call ${seq}`);

  it("delivers signals sent before, during and after waits once each, in order", async () => {
    const taskRunId = await tasker.submit("collect-signals", {});
    await waitsOn(taskRunId, 0);
    await sent(taskRunId, "x", { n: 1 }); // before any wait for "x": kept
    await sent(taskRunId, "x", 2);
    await sent(taskRunId, "ready", null);
    await waitsOn(taskRunId, 3);
    await sent(taskRunId, "x", 3); // during the wait
    await waitsOn(taskRunId, 4);
    await sent(taskRunId, "x", 3); // the same payload twice: two signals
    await sent(taskRunId, "x", null);
    await sent(taskRunId, "again", true);
    const run = await tasker.result(taskRunId, 30);
    expect(run).toMatchObject({ status: "completed", result: [{ n: 1 }, 2, 3, 3, null] });
    const events = await tasker.events(`run:${taskRunId}`);
    expect(events.filter((event) => event.type === "signal.received")).toHaveLength(7);
  });

  it("fails a wait with a 1 s timeout and no signal with TIMEOUT, which the task catches", async () => {
    const started = Date.now();
    const run = await tasker.run("wait-briefly", {});
    expect(run).toMatchObject({ status: "completed", result: { code: "TIMEOUT", name: "TimeoutError" } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(Date.now() - started).toBeLessThan(6000);
  });

  it("approves approval-flow with a signal, and gives up after its timeout without one", async () => {
    const approved = await tasker.submit("approval-flow", { approver: "ann", timeoutMs: 60_000 });
    await waitsOn(approved, 0);
    await sent(approved, "approve", { by: "bob" });
    expect(await tasker.result(approved)).toMatchObject({ status: "completed", result: { approved: true, by: "bob" } });

    const ignored = await tasker.run("approval-flow", { approver: "ann", timeoutMs: 1000 });
    expect(ignored).toMatchObject({ status: "completed", result: { approved: false, remindedAt: expect.any(String) } });
    expect(ignored.logs.map((line) => line.message)).toEqual(["reminder: ann has not approved in time"]);
  });

  it("answers 404 for an unknown run, 409 for an ended one, 400 for a bad name or payload", async () => {
    expect(await signal(randomUUID(), "x", { payload: 1 })).toMatchObject({ status: 404, body: { error: { code: "TASK_RUN_NOT_FOUND" } } });
    const ended = (await tasker.run("echo", {})).taskRunId;
    expect(await signal(ended, "x", { payload: 1 })).toMatchObject({ status: 409, body: { error: { code: "RUN_ENDED" } } });
    const open = await tasker.submit("approval-flow", { approver: "ann", timeoutMs: 60_000 });
    expect(await signal(open, "bad%20name", { payload: 1 })).toMatchObject({ status: 400, body: { error: { field: "name" } } });
    expect(await signal(open, "x", {})).toMatchObject({ status: 400, body: { error: { field: "payload" } } });
    expect(await signal(open, "x", [1])).toMatchObject({ status: 400, body: { error: { field: "body" } } });
    expect(await signal(open, "x", { payload: null })).toMatchObject({ status: 202 });
    await tasker.request("POST", `/tasks/${open}/cancel`);
    await tasker.result(open);
  });
});
