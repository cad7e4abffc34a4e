import { readFile } from "node:fs/promises";
import { status as GrpcStatus } from "@grpc/grpc-js";
import { freePort, TaskerSystem, type TasksGrpcClient, tasksGrpcClient } from "@tasker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const UNKNOWN_RUN = "0193a8f2-7c1e-7000-8000-000000000000";
/** Waits for the signal `go` (never sent here): a run that stays open until it is cancelled. */
const GATED = `/**
 * @description Waits for the signal go.
 * @uses keystore:gate-key
 * @uses openai
 */
module.exports = async (input, { tools }) => tools.signals.wait("go");`;

let tasker: TaskerSystem;
let grpc: TasksGrpcClient;

/** What the event store holds for the run, as WatchTask sends it: type and version. */
async function recorded(taskRunId: string): Promise<{ type: string; version: number }[]> {
  return (await tasker.events(`run:${taskRunId}`)).map((event) => ({ type: event.type, version: event.metadata.streamVersion }));
}

async function submit(taskName: string, input: unknown): Promise<string> {
  const { response, error } = await grpc.call("SubmitTask", { taskName, inputJson: JSON.stringify(input) });
  expect(error).toBeUndefined();
  return response!.taskRunId as string;
}

beforeAll(async () => {
  const grpcPort = await freePort();
  tasker = await TaskerSystem.start({ GRPC_PORT: String(grpcPort) });
  grpc = tasksGrpcClient(`127.0.0.1:${grpcPort}`);
}, 90_000);

afterAll(async () => {
  grpc?.close();
  await tasker?.stop();
});

describe("the gRPC API tasker.v1.Tasks, every service its own process", () => {
  it("publishes task functions and lists them with their params and uses, sorted by name", async () => {
    const nested = await readFile(new URL("../../tasks/nested-calls-test.js", import.meta.url), "utf8");
    const published = await grpc.call("PublishTaskFunction", { name: "nested-calls-test", code: nested });
    expect(published.response).toEqual({ name: "nested-calls-test", version: expect.stringMatching(/^[\da-f]{64}$/) });
    expect((await grpc.call("PublishTaskFunction", { name: "gated", code: GATED, description: "stays open" })).error).toBeUndefined();

    const { response } = await grpc.call("ListTaskFunctions", {});
    expect(response!.taskFunctions).toEqual([
      { name: "gated", version: expect.any(String), description: "stays open", params: [], uses: ["keystore:gate-key", "openai"] },
      {
        name: "nested-calls-test",
        version: published.response!.version,
        description: expect.stringMatching(/^Calls itself/),
        params: expect.arrayContaining([{ name: "input.depth", type: "number", description: expect.any(String), optional: true }]),
        uses: [],
      },
    ]);
  }, 60_000);

  it("submits a nested run, watches every event up to run.completed in version order (the stream then closes), and gets it", async () => {
    const taskRunId = await submit("nested-calls-test", { depth: 2 });
    const watched = await grpc.watch({ taskRunId });
    expect(watched.error).toBeUndefined();
    expect(watched.messages.at(-1)?.type).toBe("run.completed");
    expect(watched.messages.map(({ type, version }) => ({ type, version }))).toEqual(await recorded(taskRunId));
    for (const { type, version, eventJson } of watched.messages) {
      expect(JSON.parse(eventJson as string)).toMatchObject({ type, metadata: { streamId: `run:${taskRunId}`, streamVersion: version } });
    }

    const { response } = await grpc.call("GetTask", { taskRunId });
    expect(response).toMatchObject({ taskRunId, taskName: "nested-calls-test", status: "completed" });
    expect(JSON.parse(response!.resultJson as string)).toMatchObject({ depth: 2, nestedResult: { depth: 1, nestedResult: { depth: 0 } } });

    // Resumed after a version: only what follows; after the end: nothing, and the stream still closes.
    const last = watched.messages.length;
    expect((await grpc.watch({ taskRunId, afterVersion: last - 1 })).messages.map(({ version }) => version)).toEqual([last]);
    expect(await grpc.watch({ taskRunId, afterVersion: last })).toEqual({ messages: [] });
  }, 90_000);

  it("cancels a waiting run: a watcher receives run.cancelled and its stream closes; cancelling again changes nothing", async () => {
    const taskRunId = await submit("gated", null);
    const watching = grpc.watch({ taskRunId });
    // Cancel once the run waits for its signal, so the watcher has seen it live.
    await expect.poll(async () => (await grpc.call("GetTask", { taskRunId })).response!.status, { timeout: 30_000 }).toBe("suspended");
    const cancelled = await grpc.call("CancelTask", { taskRunId, reason: "not needed" });
    expect(cancelled.response).toEqual({ taskRunId, status: "suspended" });

    const watched = await watching;
    expect(watched.error).toBeUndefined();
    expect(watched.messages.map(({ type }) => type)).toEqual(expect.arrayContaining(["run.submitted", "run.cancel-requested", "run.cancelled"]));
    expect(watched.messages.at(-1)?.type).toBe("run.cancelled");
    expect(watched.messages.map(({ type, version }) => ({ type, version }))).toEqual(await recorded(taskRunId));
    expect((await grpc.call("GetTask", { taskRunId })).response).toMatchObject({ status: "cancelled", error: { code: "CANCELLED", name: "CancelledError" } });
    expect((await grpc.call("CancelTask", { taskRunId })).response).toEqual({ taskRunId, status: "cancelled" });
  }, 90_000);

  it("refuses bad requests with INVALID_ARGUMENT naming the field, and unknown runs with NOT_FOUND, each with a message", async () => {
    const fieldOf = (answer: { error?: { metadata: { get(key: string): unknown[] } } }) => answer.error!.metadata.get("tasker-error-field");
    const notFound = [await grpc.watch({ taskRunId: UNKNOWN_RUN }), await grpc.call("CancelTask", { taskRunId: UNKNOWN_RUN })];
    for (const answer of notFound) {
      expect(answer.error).toMatchObject({ code: GrpcStatus.NOT_FOUND, details: expect.stringMatching(/^TASK_RUN_NOT_FOUND: .*0193a8f2/) });
    }
    const badRun = await grpc.watch({ taskRunId: "nope" });
    expect(badRun.error).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT, details: expect.stringMatching(/^VALIDATION_FAILED: taskRunId/) });
    expect(fieldOf(badRun)).toEqual(["taskRunId"]);
    const longReason = await grpc.call("CancelTask", { taskRunId: UNKNOWN_RUN, reason: "x".repeat(1001) });
    expect(longReason.error).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT, details: expect.stringContaining("at most 1000 characters") });
    expect(fieldOf(longReason)).toEqual(["reason"]);
    const badName = await grpc.call("PublishTaskFunction", { name: "no spaces", code: "module.exports = async () => 1;" });
    expect(badName.error).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT, details: expect.stringMatching(/^VALIDATION_FAILED: name: /) });
    expect(fieldOf(badName)).toEqual(["name"]);
    const emptyCode = await grpc.call("PublishTaskFunction", { name: "empty" });
    expect(fieldOf(emptyCode)).toEqual(["code"]);
    const broken = await grpc.call("PublishTaskFunction", { name: "broken", code: "module.exports = async () => {" });
    expect(broken.error).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT, details: expect.stringMatching(/^SYNTAX_ERROR: /) });
    expect((await grpc.call("SubmitTask", { taskName: "never-published" })).error).toMatchObject({ code: GrpcStatus.NOT_FOUND, details: expect.stringMatching(/^TASK_NOT_FOUND: /) });
    // Over HTTP's body limit (TASKER_MAX_BODY_BYTES, 1 MiB by default), as POST /tasks's 413.
    const tooLarge = await grpc.call("SubmitTask", { taskName: "gated", inputJson: JSON.stringify("x".repeat(1024 * 1024 + 1)) });
    expect(tooLarge.error).toMatchObject({ code: GrpcStatus.RESOURCE_EXHAUSTED, details: expect.any(String) });
  }, 60_000);

  it("lists its services through server reflection and answers SERVING to the standard health check", async () => {
    expect(await grpc.listServices()).toEqual(expect.arrayContaining(["tasker.v1.Tasks", "grpc.health.v1.Health"]));
    expect(await grpc.health()).toBe("SERVING");
    expect(await grpc.health("tasker.v1.Tasks")).toBe("SERVING");
    await expect(grpc.health("no.such.Service")).rejects.toMatchObject({ code: GrpcStatus.NOT_FOUND });
  }, 30_000);

  it("ends its open WatchTask streams when the gateway shuts down, so a stop never waits on a watcher", async () => {
    const taskRunId = await submit("gated", null);
    let firstReceived = () => {};
    const first = new Promise<void>((resolve) => (firstReceived = resolve));
    const watching = grpc.watch({ taskRunId }, undefined, () => firstReceived());
    await first;
    const stopping = Date.now();
    await tasker.kill("gateway", "SIGTERM");
    // The server ended the stream (OK, no error): the client resumes after the last version once the gateway is back.
    const watched = await watching;
    expect(watched.error).toBeUndefined();
    expect(watched.messages[0]).toMatchObject({ type: "run.submitted", version: 1 });
    expect(Date.now() - stopping).toBeLessThan(10_000);
    await tasker.startService("gateway");
    expect((await grpc.call("CancelTask", { taskRunId })).error).toBeUndefined();
    expect((await grpc.watch({ taskRunId, afterVersion: watched.messages.length })).messages.at(-1)).toMatchObject({ type: "run.cancelled" });
  }, 60_000);
});
