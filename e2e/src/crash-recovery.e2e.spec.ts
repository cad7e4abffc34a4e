import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunView, TaskerSystem } from "@tasker/testing";

let tasker: TaskerSystem;

// Each level burns some CPU before and after its child, so the chain is slow enough to crash mid-way.
const SLOW_CHAIN = `
module.exports = async function slowChain(input, { tools }) {
  const spin = () => { let x = 0; for (let i = 0; i < input.spin; i++) x += Math.sqrt(i); return x > 0; };
  spin();
  console.log("level " + input.depth);
  const child = input.depth > 0 ? await tools.tasks.execute("slow-chain", { depth: input.depth - 1, spin: input.spin }) : null;
  spin();
  console.log("level " + input.depth + " done");
  return { depth: input.depth, child };
};`;

const INPUT = { depth: 10, spin: 200_000 };
const EXPECTED_LINES = [
  ...Array.from({ length: 11 }, (_, i) => `level ${10 - i}`),
  ...Array.from({ length: 11 }, (_, i) => `level ${i} done`),
];

let reference: RunView;

beforeAll(async () => {
  // What the killed process had taken comes back after the ack wait: short here, 30 s by default.
  tasker = await TaskerSystem.start({ TASKER_ACK_WAIT_MS: "2000" });
  await tasker.publish("slow-chain", SLOW_CHAIN);
  reference = await tasker.run("slow-chain", INPUT);
});

afterAll(async () => {
  await tasker?.stop();
});

/** Waits until the run logged `lines` lines: the chain is mid-way. */
async function midway(taskRunId: string, lines: number): Promise<void> {
  for (;;) {
    const { body } = await tasker.request<RunView>("GET", `/tasks/${taskRunId}`);
    if (body.logs.length >= lines) return;
    if (["completed", "failed"].includes(body.status)) throw new Error("the chain ended before the crash");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function sortedMessages(run: RunView): string[] {
  return run.logs.map((log) => log.message).sort();
}

describe("crash recovery, every service in its own process", () => {
  it("runs the reference chain", () => {
    expect(reference.status).toBe("completed");
    expect(sortedMessages(reference)).toEqual([...EXPECTED_LINES].sort());
  });

  it.each(["executor", "stack-processor"])("finishes a depth-10 chain with the same result after SIGKILL of the %s", async (service) => {
    const taskRunId = await tasker.submit("slow-chain", INPUT);
    await midway(taskRunId, 4);
    await tasker.kill(service, "SIGKILL");
    await tasker.startService(service);
    const run = await tasker.result(taskRunId, 60);
    expect(run.status).toBe("completed");
    expect(run.result).toEqual(reference.result);
    // Every line exactly once: no activation was recorded twice.
    expect(sortedMessages(run)).toEqual([...EXPECTED_LINES].sort());
  });
});
