import { TaskerSystem } from "@tasker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const MiB = 1024 * 1024;
/** 72,000 lines of 4,000 characters in one activation: 288 MB of log, of which 1 MiB is kept. */
const LOG_BOMB = `export default async function () {
  const line = "x".repeat(4000);
  for (let i = 0; i < 72000; i++) console.log(line);
  return "done";
}`;

let tasker: TaskerSystem;

beforeAll(async () => {
  tasker = await TaskerSystem.start();
  await tasker.publish("log-bomb", LOG_BOMB);
  await tasker.publish("echo", "module.exports = async (input) => input;");
});

afterAll(async () => {
  await tasker?.stop();
});

describe("a log bomb", () => {
  it("completes with its log bounded and a LOG_LIMIT line, and leaves the executor's memory where it was", async () => {
    expect((await tasker.run("echo", { warm: true })).status).toBe("completed");
    const executor = tasker.processes.get("executor")!;
    const before = await executor.rssBytes();

    const runs = await Promise.all(Array.from({ length: 4 }, () => tasker.run("log-bomb")));
    const after = await executor.rssBytes();
    for (const run of runs) {
      expect(run.status).toBe("completed");
      expect(run.result).toBe("done");
      const kept = run.logs.filter((line) => line.level === "info");
      expect(kept.length).toBeGreaterThan(200);
      expect(kept.reduce((bytes, line) => bytes + line.message.length, 0)).toBeLessThanOrEqual(MiB);
      const last = run.logs.at(-1)!;
      expect(last.level).toBe("warn");
      expect(last.message).toBe(
        `LOG_LIMIT: ${72000 - kept.length} more log lines of this activation were dropped; at most 1000 lines and 1 MiB per activation, 10000 lines and 10 MiB per run`,
      );
    }
    // Before the bounds, every dropped line crossed into the executor: hundreds of MB that stayed.
    console.log(`executor RSS ${Math.round(before / MiB)} MB before 4 log bombs, ${Math.round(after / MiB)} MB after`);
    expect(after - before).toBeLessThan(100 * MiB);
  });
});
