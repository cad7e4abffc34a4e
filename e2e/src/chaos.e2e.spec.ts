import { isDeepStrictEqual } from "node:util";
import { type RunView, TaskerSystem } from "@tasker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * Runs of three small kinds are submitted while a random process (the gateway, the stack-processor
 * or one of two executors) is SIGKILLed and restarted every 1–2 s: every run must complete with its
 * result, each log line once. `npm run test:chaos` runs 1,000 runs over 20 s; the default suite 200.
 */
const RUNS = Number(process.env["TASKER_CHAOS_RUNS"] ?? 200);
const SUBMIT_MS = RUNS * 20;
const LAYOUT = { gateway: "gateway", "stack-processor": "stack-processor", "executor-1": "executor", "executor-2": "executor" };

let tasker: TaskerSystem;

beforeAll(async () => {
  // What a killed process had taken comes back after the ack wait: short here, 30 s by default. A
  // delivery lost to a kill counts against TASKER_MAX_DELIVERIES, which is meant for messages that
  // fail, not for processes killed every 1–2 s: on a loaded machine a message met a dying executor
  // six times in a row and its call failed DELIVERY_LIMIT, as designed. Here it may meet more.
  tasker = await TaskerSystem.start({ TASKER_ACK_WAIT_MS: "2000", TASKER_LEASE_MS: "3000", TASKER_MAX_DELIVERIES: "20" }, LAYOUT);
  await tasker.publish("chaos-square", "module.exports = async (input) => input.n * input.n;");
  await tasker.publish(
    "chaos-chain",
    `module.exports = async (input, { tools }) =>
       input.depth === 0 ? { depth: 0 } : { depth: input.depth, child: await tools.tasks.execute("chaos-chain", { depth: input.depth - 1 }) };`,
  );
  await tasker.publish(
    "chaos-fan",
    `module.exports = async (input, { tools }) =>
       Promise.all(Array.from({ length: 8 }, (_, n) => tools.tasks.execute("chaos-square", { n: n + input.i })));`,
  );
  await tasker.publish(
    "chaos-pair",
    `module.exports = async (input, { tools }) => {
       console.log("first " + input.i);
       const a = await tools.tasks.execute("chaos-square", { n: input.i });
       console.log("second " + input.i);
       const b = await tools.tasks.execute("chaos-square", { n: input.i + 1 });
       return a + b;
     };`,
  );
}, 120_000);

afterAll(async () => {
  await tasker?.stop();
}, 120_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function chain(depth: number): unknown {
  return depth === 0 ? { depth: 0 } : { depth, child: chain(depth - 1) };
}

/** The run `i`: its task, input and what it must end with. */
function runOf(i: number): { taskName: string; input: { i: number; depth?: number }; result: unknown; logs: string[] } {
  switch (i % 3) {
    case 0:
      return { taskName: "chaos-chain", input: { i, depth: 5 }, result: chain(5), logs: [] };
    case 1:
      return { taskName: "chaos-fan", input: { i }, result: Array.from({ length: 8 }, (_, n) => (n + i) ** 2), logs: [] };
    default:
      return { taskName: "chaos-pair", input: { i }, result: i * i + (i + 1) ** 2, logs: [`first ${i}`, `second ${i}`] };
  }
}

/** Submits run `i`, again and again while the gateway is down: its idempotency key makes it one run. */
async function submit(i: number): Promise<string> {
  const { taskName, input } = runOf(i);
  for (;;) {
    try {
      return await tasker.submit(taskName, input, `chaos-${i}`);
    } catch {
      await sleep(100);
    }
  }
}

/** The run once it ended, asking again while the gateway is down. */
async function ended(taskRunId: string, deadline: number): Promise<RunView> {
  for (;;) {
    try {
      return await tasker.result(taskRunId, Math.max(1, (deadline - Date.now()) / 1000));
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(200);
    }
  }
}

/** Kills a random process every 1–2 s and starts it again, until `until` says stop. */
async function chaos(until: () => boolean): Promise<number> {
  const restarting = new Set<Promise<unknown>>();
  let kills = 0;
  while (!until()) {
    await sleep(1000 + Math.random() * 1000);
    const running = [...tasker.processes.keys()];
    const victim = running[Math.floor(Math.random() * running.length)];
    if (!victim) continue;
    kills++;
    await tasker.kill(victim, "SIGKILL");
    const restart = tasker.startService(victim).finally(() => restarting.delete(restart));
    restarting.add(restart);
  }
  await Promise.all(restarting);
  return kills;
}

describe("chaos: SIGKILL of a random process every 1–2 s", () => {
  it(
    `completes ${RUNS} of ${RUNS} runs, each log line once`,
    async () => {
      let submitted = false;
      const killing = chaos(() => submitted);
      const ids: Promise<string>[] = [];
      const started = Date.now();
      for (let i = 0; i < RUNS; i++) {
        ids.push(submit(i));
        await sleep(Math.max(0, started + ((i + 1) * SUBMIT_MS) / RUNS - Date.now()));
      }
      const taskRunIds = await Promise.all(ids);
      submitted = true;
      const kills = await killing;
      const deadline = Date.now() + 240_000;
      const submittedAt = Date.now();
      const runs = await Promise.all(taskRunIds.map((taskRunId) => ended(taskRunId, deadline)));
      console.log(`chaos: ${RUNS} runs submitted over ${Math.round((submittedAt - started) / 1000)} s with ${kills} SIGKILLs; all ended ${((Date.now() - submittedAt) / 1000).toFixed(1)} s later`);
      const wrong = runs
        .map((run, i) => ({ run, expected: runOf(i) }))
        .filter(({ run, expected }) => run.status !== "completed" || !isDeepStrictEqual(run.result, expected.result) || !isDeepStrictEqual(run.logs.map((log) => log.message), expected.logs));
      expect(kills).toBeGreaterThan(0);
      expect(wrong.map(({ run }) => ({ id: run.taskRunId, status: run.status, error: run.error, logs: run.logs.map((log) => log.message) }))).toEqual([]);
      expect(new Set(taskRunIds).size).toBe(RUNS);
    },
    SUBMIT_MS + 420_000,
  );
});
