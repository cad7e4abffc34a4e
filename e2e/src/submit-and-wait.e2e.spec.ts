import { TaskerSystem } from "@tasker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * `POST /tasks?wait=SECONDS`: one request submits a run and answers 200 with the run as `GET /tasks/:id`
 * shows it once it ends within the wait, else 202 `{taskRunId, status}` as without a wait.
 */
let tasker: TaskerSystem;

beforeAll(async () => {
  // A count of a few seconds outlasts the gateway's wait for a direct start without reaching the CPU limit.
  tasker = await TaskerSystem.start({ TASKER_CPU_MS_PER_ACTIVATION: "30000", TASKER_WALL_MS_PER_ACTIVATION: "60000" });
  await tasker.publish(
    "quick",
    `module.exports = async (input, { tools }) => { console.log("hello", input.name); return { greeting: "hello " + input.name }; };`,
  );
  await tasker.publish("broken", `module.exports = async () => { throw new Error("it broke"); };`);
  await tasker.publish("slow", `module.exports = async (input, { tools }) => { await tools.sleep(input.ms); return "slept"; };`);
  await tasker.publish("echo", "module.exports = async (input) => input;");
  await tasker.publish("throws-object", `module.exports = async () => { throw { code: "E1", extra: 1 }; };`);
});

afterAll(async () => {
  await tasker?.stop();
});

const submit = <T>(wait: string, body: unknown) => tasker.request<T>("POST", `/tasks?wait=${wait}`, body);

describe("submitting and waiting in one request", () => {
  it("answers a quick run with 200 and the same body as a following GET /tasks/:id, logs included", async () => {
    const { status, body } = await submit<{ taskRunId: string }>("10", { taskName: "quick", input: { name: "Ada" } });
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: "completed", result: { greeting: "hello Ada" }, logs: [{ level: "info", message: "hello Ada" }] });
    const read = await tasker.request("GET", `/tasks/${body.taskRunId}`);
    expect(body).toEqual(read.body);
  });

  it("answers a failing run with 200 and its error", async () => {
    const { status, body } = await submit<{ taskRunId: string }>("10", { taskName: "broken" });
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: "failed", error: { message: "it broke" } });
    expect(body).not.toHaveProperty("result");
    expect(body).toEqual((await tasker.request("GET", `/tasks/${body.taskRunId}`)).body);
  });

  it("answers 202 with the run's status after about the wait when the run takes longer", async () => {
    const started = performance.now();
    const { status, body } = await submit<{ taskRunId: string; status: string }>("1", { taskName: "slow", input: { ms: 30_000 } });
    const elapsed = performance.now() - started;
    expect(status).toBe(202);
    expect(body).toEqual({ taskRunId: expect.any(String), status: expect.stringMatching(/^(queued|processing|suspended)$/) });
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(6000);
    await tasker.request("POST", `/tasks/${body.taskRunId}/cancel`);
  });

  it("answers 202 at once, as without a wait, for wait=0", async () => {
    const { status, body } = await submit("0", { taskName: "slow", input: { ms: 30_000 } });
    expect(status).toBe(202);
    expect(body).toEqual({ taskRunId: expect.any(String), status: "queued" });
  });

  it("waits on the existing run when an idempotency key is submitted again", async () => {
    const request = { taskName: "slow", input: { ms: 1500 }, idempotencyKey: "once" };
    const first = await submit<{ taskRunId: string; status: string }>("0", request);
    expect(first.status).toBe(202);
    const again = await submit<{ taskRunId: string; status: string }>("20", request);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ taskRunId: first.body.taskRunId, status: "completed", result: "slept" });
    const ended = await submit<{ taskRunId: string }>("20", request);
    expect(ended.status).toBe(200);
    expect(ended.body).toEqual(again.body);
  });

  it("answers 100 concurrent waiters each with its own run", async () => {
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => submit<{ input: { name: string }; result: unknown }>("30", { taskName: "quick", input: { name: `n${i}` } })),
    );
    answers.forEach(({ status, body }, i) => {
      expect(status).toBe(200);
      expect(body).toMatchObject({ status: "completed", input: { name: `n${i}` }, result: { greeting: `hello n${i}` } });
    });
  });
});

/** How many appends recorded the run on `system`: the events of one append share its transaction's time. */
async function appendsOf(system: TaskerSystem, taskRunId: string): Promise<number> {
  return new Set((await system.events(`run:${taskRunId}`)).map((event) => event.metadata.recordedAt)).size;
}

/** Submits `input` with a wait until a run of the task is recorded in one append (the executor learns from the first that the task ends quickly); those answers. */
async function untilDirect(system: TaskerSystem, taskName: string, inputs: (attempt: number) => unknown): Promise<{ taskRunId: string; status: string; result?: unknown; logs: unknown[] }[]> {
  const answers: { taskRunId: string; status: string; result?: unknown; logs: unknown[] }[] = [];
  for (let attempt = 0; attempt < 10; attempt++) {
    const { status, body } = await system.request<{ taskRunId: string; status: string; logs: unknown[] }>("POST", "/tasks?wait=20", { taskName, input: inputs(attempt) });
    expect(status).toBe(200);
    expect(body).toEqual((await system.request("GET", `/tasks/${body.taskRunId}`)).body);
    answers.push(body);
    if ((await appendsOf(system, body.taskRunId)) === 1) return answers;
  }
  throw new Error(`no run of ${taskName} was recorded in one append in 10 tries`);
}

describe("a run the executor records whole with its submission (a direct start)", () => {
  it("answers it as a following GET /tasks/:id shows it, logs and results kept, its history whole", async () => {
    await tasker.publish("direct-double", `module.exports = async (input) => { console.log("doubling", input.n); return input.n * 2; };`);
    const answers = await untilDirect(tasker, "direct-double", (attempt) => ({ n: attempt }));
    expect(answers.length).toBeGreaterThan(1);
    answers.forEach((body, attempt) => expect(body).toMatchObject({ status: "completed", result: attempt * 2, logs: [{ level: "info", message: `doubling ${attempt}` }] }));
    const events = await tasker.events(`run:${answers.at(-1)!.taskRunId}`);
    expect(events.map((event) => event.type)).toEqual(["run.submitted", "stack.created", "stack.started", "log.appended", "stack.completed", "run.completed"]);
  });

  it("records once a start the gateway stopped waiting for: the executor's late append fails, and the run goes through the bus", async () => {
    // A task's clock stands still while it runs: it keeps the CPU busy by counting.
    await tasker.publish("direct-busy", `module.exports = async (input) => { let sum = 0; for (let i = 0; i < input.n; i++) sum += i % 2; return sum; };`);
    await untilDirect(tasker, "direct-busy", () => ({ n: 0 }));
    // Seconds of counting (1.5 s for half as many on this machine), longer than the gateway waits for the executor's answer (2 s): it records the submission itself meanwhile.
    const { status, body } = await submit<{ taskRunId: string }>("60", { taskName: "direct-busy", input: { n: 60_000_000 } });
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: "completed", result: 30_000_000 });
    const events = await tasker.events(`run:${body.taskRunId}`);
    expect(events.filter((event) => event.type === "stack.started")).toHaveLength(1);
    expect(events.filter((event) => event.type === "run.submitted")).toHaveLength(1);
    expect(await appendsOf(tasker, body.taskRunId)).toBeGreaterThan(1);
  }, 60_000);

  it("keeps a wait shorter than the direct start: 202 when the wait runs out, the run recorded once", async () => {
    await untilDirect(tasker, "direct-busy", () => ({ n: 0 }));
    const started = performance.now();
    const { status, body } = await submit<{ taskRunId: string; status: string }>("0.5", { taskName: "direct-busy", input: { n: 60_000_000 } });
    const elapsed = performance.now() - started;
    expect(status).toBe(202);
    expect(elapsed).toBeLessThan(1900);
    expect((await tasker.request("POST", `/tasks/${body.taskRunId}/cancel`)).status).toBeLessThan(300);
    expect((await tasker.events(`run:${body.taskRunId}`)).filter((event) => event.type === "run.submitted")).toHaveLength(1);
  }, 60_000);

  it("fails a run that outlasts its timeoutMs with TIMEOUT, as on the bus", async () => {
    await untilDirect(tasker, "direct-busy", () => ({ n: 0 }));
    const { status, body } = await submit("20", { taskName: "direct-busy", input: { n: 60_000_000 }, timeoutMs: 300 });
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: "failed", error: { code: "TIMEOUT" } });
  }, 60_000);
});

describe("direct starts under a burst", () => {
  let narrow: TaskerSystem;

  beforeAll(async () => {
    // One direct start at a time: every other submission of the burst waits for it.
    narrow = await TaskerSystem.start({ TASKER_EXECUTOR_CONCURRENCY: "1" });
    await narrow.publish("echo", "module.exports = async (input) => input;");
  });

  afterAll(async () => {
    await narrow?.stop();
  });

  it("records each run of a burst larger than the executor runs at once whole, each waiting its turn rather than going through the bus", async () => {
    // The first runs teach the executor that the task ends quickly (a cold VM may not).
    await untilDirect(narrow, "echo", (attempt) => ({ attempt }));
    const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => narrow.request<{ taskRunId: string; status: string; result: unknown }>("POST", "/tasks?wait=20", { taskName: "echo", input: { i } })));
    burst.forEach(({ status, body }, i) => {
      expect(status).toBe(200);
      expect(body).toMatchObject({ status: "completed", result: { i } });
    });
    const appends = await Promise.all(burst.map(({ body }) => appendsOf(narrow, body.taskRunId)));
    expect(appends).toEqual(burst.map(() => 1));
  });
});

describe("answering from the run's end", () => {
  const ODD = "a\u0000b\ud800c\udfffd";

  /** Sends a request and keeps the answer's bytes as they came. */
  async function raw(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
    const response = await fetch(`${tasker.url}${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
    });
    return { status: response.status, text: await response.text() };
  }

  /** Whether the run's end, as its writer recorded it, says the run logged nothing (run-model's `loggedNothing`). */
  async function endSaysSilent(taskRunId: string): Promise<boolean> {
    const end = (await tasker.events(`run:${taskRunId}`)).at(-1)!;
    return (end.data as { silentThrough?: number }).silentThrough === end.metadata.streamVersion - 1;
  }

  it.each([
    ["a completed run with NUL and lone surrogates in its input and result", "echo", { [ODD]: [ODD] }, "completed"],
    ["a run that threw a non-Error", "throws-object", null, "failed"],
  ])("answers %s byte for byte as a following GET /tasks/:id, its end recorded as silent", async (_name, taskName, input, status) => {
    const answered = await raw("POST", "/tasks?wait=10", { taskName, input });
    expect(answered.status).toBe(200);
    const body = JSON.parse(answered.text) as { taskRunId: string; status: string; logs: unknown[] };
    expect(body).toMatchObject({ status, logs: [] });
    expect(answered.text).toBe((await raw("GET", `/tasks/${body.taskRunId}`)).text);
    expect(await endSaysSilent(body.taskRunId)).toBe(true);
  });

  it("answers a wait for the result of a run cancelled meanwhile byte for byte as a following GET /tasks/:id", async () => {
    const taskRunId = await tasker.submit("slow", { ms: 30_000 });
    const answer = raw("GET", `/tasks/${taskRunId}/result?wait=20`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await tasker.request("POST", `/tasks/${taskRunId}/cancel`, { reason: "enough" })).status).toBeLessThan(300);
    const answered = await answer;
    expect(JSON.parse(answered.text)).toMatchObject({ status: "cancelled", error: { code: "CANCELLED" } });
    expect(answered.text).toBe((await raw("GET", `/tasks/${taskRunId}`)).text);
  });
});
