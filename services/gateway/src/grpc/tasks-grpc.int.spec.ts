import { credentials, loadPackageDefinition, type Client, type ServiceError, status } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { runStreamId, TASKER_PROTO_PATH } from "@tasker/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DOCUMENTED_TASK, type GatewayEnv, startGatewayEnv } from "../../test/gateway-env.js";

type Unary = (request: object, callback: (error: ServiceError | null, response: Record<string, unknown>) => void) => void;
type TasksClient = Client & { SubmitTask: Unary; GetTask: Unary; ListTasks: Unary };

function call(client: TasksClient, method: "SubmitTask" | "GetTask" | "ListTasks", request: object): Promise<{ response?: Record<string, unknown>; error?: ServiceError }> {
  return new Promise((resolve) => client[method](request, (error, response) => resolve(error ? { error } : { response })));
}

describe("the gRPC task API", () => {
  let gateway: GatewayEnv;
  let client: TasksClient;
  beforeAll(async () => {
    gateway = await startGatewayEnv({ GRPC_PORT: "0" });
    await gateway.request("POST", "/task-functions", { name: "greet", code: DOCUMENTED_TASK });
    const proto = loadPackageDefinition(loadSync(TASKER_PROTO_PATH, { keepCase: false, defaults: true, oneofs: true })) as unknown as {
      tasker: { v1: { Tasks: new (address: string, creds: ReturnType<typeof credentials.createInsecure>) => TasksClient } };
    };
    client = new proto.tasker.v1.Tasks(gateway.grpcAddress!, credentials.createInsecure());
  });
  afterAll(async () => {
    client?.close();
    await gateway?.close();
  });

  it("submits a run that HTTP then shows, and reads it back", async () => {
    const { response } = await call(client, "SubmitTask", { taskName: "greet", inputJson: JSON.stringify({ name: "Ada" }) });
    expect(response).toEqual({ taskRunId: expect.any(String), status: "queued" });
    const taskRunId = response!.taskRunId as string;
    expect((await gateway.request("GET", `/tasks/${taskRunId}`)).body).toMatchObject({ status: "queued", input: { name: "Ada" } });
    expect((await gateway.platform.store.readStream(runStreamId(taskRunId))).map((event) => event.type)).toEqual(["run.submitted", "stack.created"]);

    const read = await call(client, "GetTask", { taskRunId });
    expect(read.response).toMatchObject({ taskRunId, taskName: "greet", status: "queued", inputJson: '{"name":"Ada"}', logs: [] });
    expect(read.response).not.toHaveProperty("resultJson");

    await gateway.platform.store.append(runStreamId(taskRunId), { guard: "run", version: 0 }, [{ type: "run.completed", data: { taskRunId, result: [1, "two"] } }]);
    expect((await call(client, "GetTask", { taskRunId })).response).toMatchObject({ status: "completed", resultJson: '[1,"two"]' });
  });

  it("shows a failed run's error as HTTP does: its name, a numeric code kept as a number too, its cause and details", async () => {
    const taskRunId = (await call(client, "SubmitTask", { taskName: "greet" })).response!.taskRunId as string;
    const cause = { code: "E_INNER", name: "TypeError", message: "inner", details: { status: 400 } };
    const error = { code: 503, name: "HttpError", message: "unavailable", stack: "    at thrower (child:1:1)\n", cause, details: { retry: true } };
    await gateway.platform.store.append(runStreamId(taskRunId), { guard: "run", version: 0 }, [{ type: "run.failed", data: { taskRunId, error } }]);
    expect((await gateway.request("GET", `/tasks/${taskRunId}`)).body).toMatchObject({ status: "failed", error });
    const read = await call(client, "GetTask", { taskRunId });
    expect(read.response).toMatchObject({
      status: "failed",
      error: {
        code: "503",
        codeNumber: 503,
        name: "HttpError",
        message: "unavailable",
        stack: error.stack,
        detailsJson: '{"retry":true}',
        cause: { code: "E_INNER", name: "TypeError", message: "inner", detailsJson: '{"status":400}', cause: null },
      },
    });
    expect((read.response!.error as Record<string, unknown>)["cause"]).not.toHaveProperty("codeNumber");
  });

  it("names a cancelled run's error CancelledError", async () => {
    const taskRunId = (await call(client, "SubmitTask", { taskName: "greet" })).response!.taskRunId as string;
    await gateway.platform.store.append(runStreamId(taskRunId), { guard: "run", version: 0 }, [{ type: "run.cancelled", data: { taskRunId, reason: null } }]);
    expect((await gateway.request("GET", `/tasks/${taskRunId}`)).body).toMatchObject({ status: "cancelled", error: { code: "CANCELLED", name: "CancelledError" } });
    expect((await call(client, "GetTask", { taskRunId })).response).toMatchObject({ error: { code: "CANCELLED", name: "CancelledError" } });
  });

  it("answers the same run for the same idempotency key", async () => {
    const first = await call(client, "SubmitTask", { taskName: "greet", idempotencyKey: "grpc-key" });
    const second = await call(client, "SubmitTask", { taskName: "greet", idempotencyKey: "grpc-key" });
    expect(second.response!.taskRunId).toBe(first.response!.taskRunId);
    const conflicting = await call(client, "SubmitTask", { taskName: "greet", inputJson: '{"other":true}', idempotencyKey: "grpc-key" });
    expect(conflicting.error).toMatchObject({ code: status.ALREADY_EXISTS, details: expect.stringMatching(/^IDEMPOTENCY_CONFLICT: /) });
  });

  it("with waitSeconds, answers the run a key found once it ends, as GetTask shows it; the status alone when the wait runs out; and names a bad wait", async () => {
    const taskRunId = (await call(client, "SubmitTask", { taskName: "greet", idempotencyKey: "grpc-wait" })).response!.taskRunId as string;
    const started = performance.now();
    const timedOut = await call(client, "SubmitTask", { taskName: "greet", idempotencyKey: "grpc-wait", waitSeconds: 0.5 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(450);
    expect(timedOut.response).toEqual({ taskRunId, status: "queued" });
    const answer = call(client, "SubmitTask", { taskName: "greet", idempotencyKey: "grpc-wait", waitSeconds: 20 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await gateway.platform.store.append(runStreamId(taskRunId), { guard: "run", version: 0 }, [{ type: "run.completed", data: { taskRunId, result: "done" } }]);
    const { response } = await answer;
    expect(response).toMatchObject({ taskRunId, status: "completed", run: (await call(client, "GetTask", { taskRunId })).response });
    expect((response!.run as Record<string, unknown>)["resultJson"]).toBe('"done"');
    const bad = await call(client, "SubmitTask", { taskName: "greet", waitSeconds: 61 });
    expect(bad.error).toMatchObject({ code: status.INVALID_ARGUMENT });
    expect(bad.error!.metadata.get("tasker-error-field")).toEqual(["waitSeconds"]);
  });

  it("gives the root of a run submitted with timeoutMs its due time, and refuses a timeoutMs of 0", async () => {
    const before = Date.now();
    const taskRunId = (await call(client, "SubmitTask", { taskName: "greet", timeoutMs: 5000 })).response!.taskRunId as string;
    const root = (await gateway.platform.store.readStream(runStreamId(taskRunId))).find((event) => event.type === "stack.created")!;
    const dueAt = Date.parse((root.data as { dueAt: string }).dueAt);
    expect(dueAt).toBeGreaterThanOrEqual(before + 5000);
    expect(dueAt).toBeLessThanOrEqual(Date.now() + 5000);
    const zero = await call(client, "SubmitTask", { taskName: "greet", timeoutMs: 0 });
    expect(zero.error).toMatchObject({ code: status.INVALID_ARGUMENT });
    expect(zero.error!.metadata.get("tasker-error-field")).toEqual(["timeoutMs"]);
  });

  it("maps errors to statuses with the API's code and field", async () => {
    const invalid = await call(client, "SubmitTask", { taskName: "no spaces" });
    expect(invalid.error).toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringMatching(/^VALIDATION_FAILED: taskName:/) });
    expect(invalid.error!.metadata.get("tasker-error-field")).toEqual(["taskName"]);
    const badJson = await call(client, "SubmitTask", { taskName: "greet", inputJson: "{" });
    expect(badJson.error).toMatchObject({ code: status.INVALID_ARGUMENT });
    expect(badJson.error!.metadata.get("tasker-error-field")).toEqual(["inputJson"]);
    const unknownTask = await call(client, "SubmitTask", { taskName: "never-published" });
    expect(unknownTask.error).toMatchObject({ code: status.NOT_FOUND, details: expect.stringMatching(/^TASK_NOT_FOUND:/) });
    expect((await call(client, "GetTask", { taskRunId: "nope" })).error).toMatchObject({ code: status.INVALID_ARGUMENT });
    expect((await call(client, "GetTask", { taskRunId: "0193a8f2-7c1e-7000-8000-000000000000" })).error).toMatchObject({ code: status.NOT_FOUND });
  });

  it("lists runs as GET /tasks does, a page at a time, and names a bad field", async () => {
    const submitted: string[] = [];
    for (let i = 0; i < 3; i++) submitted.push((await call(client, "SubmitTask", { taskName: "greet" })).response!.taskRunId as string);
    const first = await call(client, "ListTasks", { limit: 2 });
    const http = (await gateway.request("GET", "/tasks?limit=2")).body;
    expect(first.response).toMatchObject({ items: http.items, nextCursor: http.nextCursor });
    expect((first.response!.items as { taskRunId: string }[]).map((item) => item.taskRunId)).toEqual(submitted.slice(-2).reverse());
    const next = await call(client, "ListTasks", { limit: 2, cursor: first.response!.nextCursor });
    expect((next.response!.items as { taskRunId: string }[])[0]!.taskRunId).toBe(submitted[0]);
    const bad = await call(client, "ListTasks", { status: "sleeping" });
    expect(bad.error).toMatchObject({ code: status.INVALID_ARGUMENT });
    expect(bad.error!.metadata.get("tasker-error-field")).toEqual(["status"]);
  });
});
