import { type JsonValue, runStreamId, type TaskerEvent } from "@tasker/contracts";
import { decideCancel, type Decision, decideRunEnd, type RunState, RunStates } from "@tasker/run-model";
import type pg from "pg";
import type { PostgresDriver } from "typeorm/driver/postgres/PostgresDriver.js";
import { afterAll, afterEach, beforeAll, describe, expect, it, type MockInstance, vi } from "vitest";
import { type GatewayEnv, startGatewayEnv } from "../../test/gateway-env.js";

/**
 * A wait woken by a run's end answers from the submission and the ending event, without reading the
 * run back, when the end says the run logged nothing: byte for byte what `GET /tasks/:id` answers
 * right after. No executor runs here: each run's end is decided by the run-model's rules on its
 * state (as the executor and the stack-processor decide it), after the events the test appends.
 */
describe("answering a wait from the run's ending event", () => {
  let gateway: GatewayEnv;
  let runs: RunStates;
  beforeAll(async () => {
    gateway = await startGatewayEnv();
    runs = new RunStates(gateway.platform.store);
    await gateway.request("POST", "/task-functions", { name: "echo", code: "module.exports = async (input) => input;" });
  });
  afterAll(async () => {
    await gateway?.close();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const ODD = "a\u0000b\ud800c\udfffd";

  function watchReads(): MockInstance {
    return vi.spyOn((gateway.platform.dataSource.driver as PostgresDriver).master as pg.Pool, "query");
  }

  /** How often the gateway read the run back as `GET /tasks/:id` shows it. */
  function readsOf(reads: MockInstance, taskRunId: string): number {
    return reads.mock.calls.filter(([text, params]) => String(text).includes("task_run_logs") && (params as unknown[])?.[0] === taskRunId).length;
  }

  /** Sends a request and keeps the answer's bytes as they came. */
  async function raw(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
    const response = await fetch(`${gateway.url}${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
    });
    return { status: response.status, text: await response.text() };
  }

  /** The id of the newest run of `echo`, as `GET /tasks` lists it (undefined: none yet). */
  async function newestRun(): Promise<string | undefined> {
    const { body } = await gateway.request("GET", "/tasks?taskName=echo&limit=1");
    return (body as { items: { taskRunId: string }[] }).items[0]?.taskRunId;
  }

  /** The id of the first run of `echo` listed after `before` (the newest one before the submission). */
  async function nextSubmitted(before: string | undefined): Promise<string> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const newest = await newestRun();
      if (newest !== undefined && newest !== before) return newest;
      if (Date.now() > deadline) throw new Error("the submission was not listed within 10 s");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Appends `before` to the run (given its root's id), then the end `decide` takes on the run's state, as the rules append it. */
  async function end(taskRunId: string, before: (root: string) => TaskerEvent[], decide: (state: RunState) => Decision | null): Promise<void> {
    const streamId = runStreamId(taskRunId);
    const root = (await runs.read(streamId)).rootStackRunId!;
    if (before(root).length > 0) await gateway.platform.store.append(streamId, "any", before(root));
    const decision = decide(await runs.read(streamId))!;
    await gateway.platform.store.append(streamId, decision.expected, decision.events);
  }

  const completes = (result: JsonValue) => (root: string): TaskerEvent[] => [{ type: "stack.completed", data: { stackRunId: root, result } }];
  const logsThenCompletes = (root: string): TaskerEvent[] => [
    { type: "log.appended", data: { stackRunId: root, level: "info", message: "hello", at: new Date().toISOString() } },
    { type: "stack.completed", data: { stackRunId: root, result: "logged" } },
  ];
  // What the executor records for `throw { code: "E1", extra: 1 }`: not an Error, so no name and no stack.
  const throwsNonError = (root: string): TaskerEvent[] => [{ type: "stack.failed", data: { stackRunId: root, error: { code: "E1", message: "[object Object]" } } }];
  const cancelRequested = (taskRunId: string) => (): TaskerEvent[] => [{ type: "run.cancel-requested", data: { taskRunId, reason: "enough" } }];

  /** Submits `input` with a wait, ends the run as `ending` says, and returns the answer's bytes, GET's bytes after it, and the reads the wait made. */
  async function submitAndEnd(input: JsonValue, ending: (taskRunId: string) => Promise<void>) {
    const before = await newestRun();
    const reads = watchReads();
    const answer = raw("POST", "/tasks?wait=20", { taskName: "echo", input });
    const taskRunId = await nextSubmitted(before);
    await ending(taskRunId);
    const answered = await answer;
    const readBack = readsOf(reads, taskRunId);
    const get = await raw("GET", `/tasks/${taskRunId}`);
    return { answered, get, readBack };
  }

  it.each<[string, JsonValue, (taskRunId: string) => Promise<void>, string]>([
    ["a completed run", { name: "Ada" }, (id: string) => end(id, completes({ greeting: "hello Ada" }), decideRunEnd), "completed"],
    ["a run that failed with a thrown non-Error", null, (id: string) => end(id, throwsNonError, decideRunEnd), "failed"],
    ["a cancelled run", [1, "two"], (id: string) => end(id, cancelRequested(id), (state) => decideCancel(state, "enough")), "cancelled"],
    ["a run with NUL and lone surrogates in its input and result", { [ODD]: ODD }, (id: string) => end(id, completes([ODD, { [ODD]: ODD }]), decideRunEnd), "completed"],
  ])("answers %s from its end, byte for byte as GET /tasks/:id, without reading it", async (_name, input, ending, status) => {
    const { answered, get, readBack } = await submitAndEnd(input, ending);
    expect(answered.status).toBe(200);
    expect(JSON.parse(answered.text)).toMatchObject({ status, logs: [] });
    expect(answered.text).toBe(get.text);
    expect(readBack).toBe(0);
  });

  it("reads a run that logged, and answers as GET /tasks/:id", async () => {
    const { answered, get, readBack } = await submitAndEnd({ name: "Bo" }, (id) => end(id, logsThenCompletes, decideRunEnd));
    expect(JSON.parse(answered.text)).toMatchObject({ status: "completed", result: "logged", logs: [{ message: "hello" }] });
    expect(answered.text).toBe(get.text);
    expect(readBack).toBe(1);
  });

  it.each<[string, (state: RunState) => Decision | null, string]>([
    ["completed", decideRunEnd, "completed"],
    ["cancelled", (state) => decideCancel(state, "enough"), "cancelled"],
  ])("reads a run %s on a state that had not seen its last log line, and answers as GET /tasks/:id", async (_name, decide, status) => {
    const { answered, get, readBack } = await submitAndEnd({ name: "Ed" }, async (id) => {
      const streamId = runStreamId(id);
      const root = (await runs.read(streamId)).rootStackRunId!;
      await gateway.platform.store.append(streamId, "any", completes("done")(root));
      const decision = decide(await runs.read(streamId))!;
      // Another writer's line lands between the decision and its append (a child the root did not await).
      await gateway.platform.store.append(streamId, "any", [{ type: "log.appended", data: { stackRunId: root, level: "info", message: "late", at: new Date().toISOString() } }]);
      await gateway.platform.store.append(streamId, decision.expected, decision.events);
    });
    expect(JSON.parse(answered.text)).toMatchObject({ status, logs: [{ message: "late" }] });
    expect(answered.text).toBe(get.text);
    expect(readBack).toBe(1);
  });

  it("reads a run whose end says nothing of its logs (an end recorded before silentThrough, or by hand)", async () => {
    const { answered, get, readBack } = await submitAndEnd({ name: "Cy" }, async (id) => {
      await gateway.platform.store.append(runStreamId(id), { guard: "run", version: 0 }, [{ type: "run.completed", data: { taskRunId: id, result: 1 } }]);
    });
    expect(JSON.parse(answered.text)).toMatchObject({ status: "completed", result: 1 });
    expect(answered.text).toBe(get.text);
    expect(readBack).toBe(1);
  });

  it("reads a run whose end the bus carried by reference (too large to carry whole)", async () => {
    const large = "x".repeat(1024 * 1024);
    const { answered, get, readBack } = await submitAndEnd({ name: "Di" }, (id) => end(id, completes(large), decideRunEnd));
    expect(JSON.parse(answered.text)).toMatchObject({ status: "completed", result: large });
    expect(answered.text).toBe(get.text);
    expect(readBack).toBe(1);
  });

  it("answers GET /tasks/:id/result?wait= from the end once woken: it reads the run before the wait only", async () => {
    const taskRunId = (await gateway.request("POST", "/tasks", { taskName: "echo", input: { name: ODD } })).body.taskRunId as string;
    const reads = watchReads();
    const answer = raw("GET", `/tasks/${taskRunId}/result?wait=20`);
    const deadline = Date.now() + 5000;
    while (readsOf(reads, taskRunId) === 0) {
      if (Date.now() > deadline) throw new Error(`the gateway never read run ${taskRunId}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await reads.mock.results[reads.mock.calls.findIndex(([, params]) => (params as unknown[])?.[0] === taskRunId)]!.value;
    await end(taskRunId, completes({ [ODD]: [ODD] }), decideRunEnd);
    const answered = await answer;
    expect(readsOf(reads, taskRunId)).toBe(1);
    expect(JSON.parse(answered.text)).toMatchObject({ status: "completed", result: { [ODD]: [ODD] } });
    expect(answered.text).toBe((await raw("GET", `/tasks/${taskRunId}`)).text);
  });
});
