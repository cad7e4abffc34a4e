import { newId, runStreamId } from "@tasker/contracts";
import { openEventStream, type ServerSentEvent, type TasksGrpcClient, tasksGrpcClient } from "@tasker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DOCUMENTED_TASK, type GatewayEnv, startGatewayEnv } from "../../test/gateway-env.js";

/** The largest `after_version` a `WatchTask` request can carry (a uint32); far beyond any version. */
const LARGEST_CURSOR = 4_294_967_295;

describe("a run's event feed (SSE and WatchTask) from a cursor past any version", () => {
  let gateway: GatewayEnv;
  let grpc: TasksGrpcClient;
  beforeAll(async () => {
    gateway = await startGatewayEnv({ GRPC_PORT: "0" });
    await gateway.request("POST", "/task-functions", { name: "greet", code: DOCUMENTED_TASK });
    grpc = tasksGrpcClient(gateway.grpcAddress!);
  });
  afterAll(async () => {
    grpc?.close();
    await gateway?.close();
  });

  const submit = async (): Promise<string> => (await gateway.request("POST", "/tasks", { taskName: "greet", input: {} })).body.taskRunId;
  const complete = (taskRunId: string) => gateway.platform.store.append(runStreamId(taskRunId), { guard: "run", version: 0 }, [{ type: "run.completed", data: { taskRunId, result: null } }]);
  const sse = async (taskRunId: string, lastEventId: string): Promise<ServerSentEvent[]> => {
    const answer = await openEventStream(`${gateway.url}/tasks/${taskRunId}/events`, { "Last-Event-ID": lastEventId }, AbortSignal.timeout(20_000));
    expect(answer.status).toBe(200);
    const received: ServerSentEvent[] = [];
    for await (const event of answer.events) received.push(event);
    return received;
  };

  it("ends WatchTask of an ended run OK with no message, as for any cursor past its end", async () => {
    const taskRunId = await submit();
    await complete(taskRunId);
    expect(await grpc.watch({ taskRunId, afterVersion: 3 })).toEqual({ messages: [] });
    expect(await grpc.watch({ taskRunId, afterVersion: LARGEST_CURSOR })).toEqual({ messages: [] });
  });

  it("holds WatchTask and SSE of a live run open from such a cursor until the run ends, then ends them with no event", async () => {
    const taskRunId = await submit();
    const watching = grpc.watch({ taskRunId, afterVersion: LARGEST_CURSOR });
    const listening = sse(taskRunId, String(LARGEST_CURSOR));
    const endedEarly = await Promise.race([
      watching.then((answer) => `WatchTask ended before the run did: ${JSON.stringify(answer.error?.details ?? answer)}`),
      listening.then((events) => `SSE ended before the run did, with ${events.length} event(s)`),
      new Promise<undefined>((resolve) => setTimeout(resolve, 1500)),
    ]);
    expect(endedEarly).toBeUndefined();
    await complete(taskRunId);
    expect(await watching).toEqual({ messages: [] });
    expect(await listening).toEqual([]);
  });

  it("streams a run of many large events to a client that stops reading without holding the run's history in memory", async () => {
    const taskRunId = await submit();
    const megabyte = "x".repeat(1024 * 1024);
    for (let batch = 0; batch < 20; batch++) {
      const events = Array.from({ length: 10 }, () => ({ type: "log.appended" as const, data: { stackRunId: newId(), level: "info" as const, message: megabyte, at: new Date().toISOString() } }));
      await gateway.platform.store.append(runStreamId(taskRunId), "any", events);
    }
    const before = process.memoryUsage().rss;
    const stalled = new AbortController();
    const answer = await openEventStream(`${gateway.url}/tasks/${taskRunId}/events`, {}, stalled.signal);
    const first = await answer.events[Symbol.asyncIterator]().next();
    expect(first.value).toMatchObject({ event: "run.submitted", id: "1" });
    // The client reads no more: the gateway may hold what the socket does not take, not 200 MB of history.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const grown = process.memoryUsage().rss - before;
    stalled.abort();
    expect(grown, `the gateway grew by ${Math.round(grown / 1e6)} MB`).toBeLessThan(100e6);
  }, 60_000);
});

describe("a gateway stopping while an SSE client has stopped reading", () => {
  it("closes the stream and stops, instead of waiting on the client", async () => {
    const gateway = await startGatewayEnv();
    await gateway.request("POST", "/task-functions", { name: "greet", code: DOCUMENTED_TASK });
    const taskRunId = (await gateway.request("POST", "/tasks", { taskName: "greet", input: {} })).body.taskRunId as string;
    const megabyte = "x".repeat(1024 * 1024);
    const events = Array.from({ length: 32 }, () => ({ type: "log.appended" as const, data: { stackRunId: newId(), level: "info" as const, message: megabyte, at: new Date().toISOString() } }));
    await gateway.platform.store.append(runStreamId(taskRunId), "any", events);
    const stalled = new AbortController();
    const answer = await openEventStream(`${gateway.url}/tasks/${taskRunId}/events`, {}, stalled.signal);
    expect((await answer.events[Symbol.asyncIterator]().next()).value).toMatchObject({ event: "run.submitted" });
    // The client reads no more; its socket fills.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const stopped = gateway.close().then(() => "stopped");
    const outcome = await Promise.race([stopped, new Promise((resolve) => setTimeout(() => resolve("still stopping after 10 s"), 10_000))]);
    // Let a gateway that waits on the client stop, before the verdict.
    stalled.abort();
    await stopped;
    expect(outcome).toBe("stopped");
  }, 60_000);
});
