import { eventually, TaskerSystem } from "@tasker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * Tasks that keep memory QuickJS's heap figure does not see (rope strings, typed arrays' buffers)
 * across awaits, as an attacker would. Each ends `MEMORY_LIMIT` at 64 MiB, and once they have, the
 * executor's resident memory comes back to what it was before them.
 */
const HOSTILE: Record<string, string> = {
  // 30 MB of strings built by concatenation per activation, over four awaits: 120 MB.
  "kept-ropes": `const kept = [];
    for (let step = 0; step < 4; step++) {
      for (let i = 0; i < 30; i++) kept.push("x".repeat(1e6) + i);
      await tools.sleep(1);
    }
    return kept.length;`,
  // 24 MB of typed arrays per activation, over four awaits: 96 MB.
  "kept-typed-arrays": `const kept = [];
    for (let step = 0; step < 4; step++) {
      for (let i = 0; i < 3; i++) kept.push(new Float64Array(1e6).fill(step + i));
      await tools.sleep(1);
    }
    return kept.length;`,
  // 80 MB of strings held across one await.
  "held-80mb": `const held = [];
    for (let i = 0; i < 80; i++) held.push("y".repeat(1e6) + i);
    await tools.sleep(1);
    return held.length;`,
};

/** How far above its resident memory after a warm-up the executor may stay once the bombs ended. */
const RSS_MARGIN = 0.2;

let tasker: TaskerSystem;
let warmRss: number;

const executorRss = () => tasker.processes.get("executor")!.rssBytes();
const mib = (bytes: number) => Math.round(bytes / 2 ** 20);

beforeAll(async () => {
  tasker = await TaskerSystem.start();
  await tasker.publishExamples("echo");
  for (const [name, body] of Object.entries(HOSTILE)) await tasker.publish(`hostile-${name}`, `module.exports = async function (input, { tools }) { ${body} };`);
  await tasker.publish("sleep-then-echo", `module.exports = async function (input, { tools }) { await tools.sleep(1); return await tools.tasks.execute("echo", input); };`);
  for (let i = 0; i < 3; i++) expect((await tasker.run("sleep-then-echo", { warm: i })).status).toBe("completed");
  warmRss = await executorRss();
});

afterAll(async () => {
  await tasker?.stop();
});

/** Runs `taskName` `times` times at once; each must end `MEMORY_LIMIT`. */
async function expectMemoryLimit(taskName: string, times = 1): Promise<void> {
  const submitted = await Promise.all(Array.from({ length: times }, (_, i) => tasker.submit(taskName, { i })));
  const runs = await Promise.all(submitted.map((taskRunId) => tasker.result(taskRunId, 90)));
  const outcomes = runs.map((run) => run.error?.code ?? `${run.status}: ${JSON.stringify(run.result)}`);
  expect(outcomes).toEqual(runs.map(() => "MEMORY_LIMIT"));
}

describe("tasks that keep memory QuickJS's heap figure misses", () => {
  it("fails strings built by concatenation and kept across awaits with MEMORY_LIMIT", async () => {
    await expectMemoryLimit("hostile-kept-ropes");
  });

  it("fails typed arrays kept across awaits with MEMORY_LIMIT", async () => {
    await expectMemoryLimit("hostile-kept-typed-arrays");
  });

  it("fails ten runs at once, each holding 80 MB of strings across an await, with MEMORY_LIMIT", async () => {
    await expectMemoryLimit("hostile-held-80mb", 10);
  });

  // After the bombs above (tests of a file run in order).
  it("gives the executor's memory back once they ended, and runs a normal task after them", async () => {
    const peakRss = await executorRss();
    let lastRss = peakRss;
    const back = () => lastRss <= warmRss * (1 + RSS_MARGIN);
    await eventually(async () => ((lastRss = await executorRss()), back()), "the executor's RSS came back", 60_000).catch(() => undefined);
    const figures = `executor RSS in MiB: ${mib(warmRss)} after the warm-up, ${mib(peakRss)} after the bombs, ${mib(lastRss)} at the end`;
    expect(back(), figures).toBe(true);
    expect((await tasker.run("sleep-then-echo", { after: "bombs" })).status).toBe("completed");
  });
});

