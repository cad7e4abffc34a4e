import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, TaskerSystem } from "@tasker/testing";

const FAN_OUT = Number(process.env.TASKER_FAN_OUT ?? 300);

let tasker: TaskerSystem;

interface Health {
  info: { queues: { status: string; executors: number; queued: Record<string, number> } };
}

beforeAll(async () => {
  tasker = await TaskerSystem.start();
  await tasker.publishExamples("echo", "square");
  await tasker.publish(
    "fan-out",
    `export async function runTask(input, tools) {
       const squares = await Promise.all(Array.from({ length: input.n }, (_, i) => tools.tasks.execute("square", { n: i })));
       return squares.length;
     }`,
  );
  await tasker.run("echo", { warm: true }); // the executor's first VM, out of the measurement
});

afterAll(async () => {
  await tasker?.stop();
});

/** The largest queue depth of namespace `default` that `/health` reports until `done` settles. */
async function deepestQueue(done: Promise<unknown>): Promise<number> {
  let settled = false;
  void done.finally(() => (settled = true));
  let deepest = 0;
  while (!settled) {
    const { body } = await tasker.request<Health>("GET", "/health");
    deepest = Math.max(deepest, body.info.queues.queued.default ?? 0);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return deepest;
}

describe("fair shares, every service in its own process", () => {
  it(`finishes an echo submitted right after a run that fans out ${FAN_OUT} children long before the fan-out ends, and /health shows the queue`, async () => {
    const quiet = performance.now();
    await tasker.run("echo", { quiet: true });
    const quietMs = performance.now() - quiet;

    const submitted = performance.now();
    const fanOutId = await tasker.submit("fan-out", { n: FAN_OUT });
    const fanOut = tasker.result(fanOutId, 120).then((run) => ({ run, ms: performance.now() - submitted }));
    const deepest = deepestQueue(fanOut);
    // The echo goes in once the fan-out's children are recorded (with its suspension), so behind them on the bus.
    await eventually(async () => (await tasker.request<{ status: string }>("GET", `/tasks/${fanOutId}`)).body.status === "suspended", "the fan-out suspended");
    const echoSubmitted = performance.now();
    const echo = await tasker.run("echo", { beside: "fan-out" });
    const echoMs = performance.now() - echoSubmitted;
    const fanned = await fanOut;

    console.log(JSON.stringify({ fanOut: FAN_OUT, echoAfterMs: Math.round(echoSubmitted - submitted), quietEchoMs: Math.round(quietMs), echoBesideFanOutMs: Math.round(echoMs), fanOutMs: Math.round(fanned.ms), deepestQueue: await deepest }));
    expect(echo.result).toEqual({ echo: { beside: "fan-out" } });
    expect(fanned.run).toMatchObject({ status: "completed", result: FAN_OUT });
    // The echo does not wait for the fan-out's children (without fair shares it ended after nearly all
    // of them): it ends within three quarters of what is left of the fan-out. A 300-child fan-out takes
    // about 3 s here, and the echo's own appends queue for the database with the fan-out's (0.9–2 s
    // measured in the full suite).
    expect(echoMs).toBeLessThan(((fanned.ms - (echoSubmitted - submitted)) * 3) / 4);
    expect(await deepest).toBeGreaterThan(0);
    const health = () => tasker.request<Health>("GET", "/health").then(({ body }) => body.info.queues);
    expect(await health()).toMatchObject({ status: "up", executors: 1 });
    await eventually(async () => ((await health()).queued.default ?? 0) === 0, "the executor reports nothing queued", 5000);
  });
});
