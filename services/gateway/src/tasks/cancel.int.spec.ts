import { runStreamId } from "@tasker/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DOCUMENTED_TASK, type GatewayEnv, startGatewayEnv } from "../../test/gateway-env.js";

describe("cancelling runs over HTTP", () => {
  let gateway: GatewayEnv;
  beforeAll(async () => {
    gateway = await startGatewayEnv();
    await gateway.request("POST", "/task-functions", { name: "greet", code: DOCUMENTED_TASK });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  async function queuedRun(): Promise<string> {
    return (await gateway.request("POST", "/tasks", { taskName: "greet", input: {} })).body.taskRunId;
  }
  const eventTypes = async (taskRunId: string) => (await gateway.platform.store.readStream(runStreamId(taskRunId))).map((event) => event.type);

  it("appends run.cancel-requested and answers 202 with the run's status", async () => {
    const taskRunId = await queuedRun();
    const answer = await gateway.request("POST", `/tasks/${taskRunId}/cancel`, { reason: "changed my mind" });
    expect(answer).toEqual({ status: 202, body: { taskRunId, status: "queued" } });
    const events = await gateway.platform.store.readStream(runStreamId(taskRunId));
    expect(events.at(-1)).toMatchObject({ type: "run.cancel-requested", data: { taskRunId, reason: "changed my mind" } });
  });

  it("takes no body at all", async () => {
    const taskRunId = await queuedRun();
    expect((await gateway.request("POST", `/tasks/${taskRunId}/cancel`)).status).toBe(202);
    expect(await eventTypes(taskRunId)).toEqual(["run.submitted", "stack.created", "run.cancel-requested"]);
    const [, , cancel] = await gateway.platform.store.readStream(runStreamId(taskRunId));
    expect(cancel!.data).toEqual({ taskRunId, reason: null });
  });

  it("leaves an ended run alone", async () => {
    const taskRunId = await queuedRun();
    await gateway.platform.store.append(runStreamId(taskRunId), { guard: "run", version: 0 }, [{ type: "run.completed", data: { taskRunId, result: 1 } }]);
    const answer = await gateway.request("POST", `/tasks/${taskRunId}/cancel`, {});
    expect(answer).toEqual({ status: 202, body: { taskRunId, status: "completed" } });
    expect(await eventTypes(taskRunId)).toEqual(["run.submitted", "stack.created", "run.completed"]);
  });

  it("answers 404 for an unknown run, 400 for a malformed id or reason", async () => {
    expect((await gateway.request("POST", "/tasks/0193a8f2-7c1e-7000-8000-000000000000/cancel")).status).toBe(404);
    const malformed = await gateway.request("POST", "/tasks/42/cancel");
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.field).toBe("taskRunId");
    const badReason = await gateway.request("POST", `/tasks/${await queuedRun()}/cancel`, { reason: 5 });
    expect(badReason.status).toBe(400);
    expect(badReason.body.error.field).toBe("reason");
  });
});
