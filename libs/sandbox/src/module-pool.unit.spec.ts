import { expect, it } from "vitest";
import { resultOf, source, startTask } from "@tasker/testing";
import { createSandbox } from "./sandbox.js";

it("spreads VMs over modules, also when started concurrently, and drops full modules once empty", async () => {
  const sandbox = await createSandbox({ vmsPerModule: 2, preparedVms: 0 });
  try {
    const waiting = source(`export default async (input, tools) => tools.keystore.get(String(input))`);
    const started = await Promise.all(Array.from({ length: 9 }, (_, i) => startTask(sandbox, waiting, i)));
    // 9 VMs, 2 per module: 5 modules in use, perhaps one spare prepared ahead.
    expect(sandbox.stats()).toMatchObject({ liveVms: 9, unfreedVms: 0 });
    expect(sandbox.stats().modules).toBeGreaterThanOrEqual(5);
    expect(sandbox.stats().modules).toBeLessThanOrEqual(6);
    const results = started.map(({ vm }, i) => resultOf(vm.resume({ at: 1, results: [{ seq: 0, ok: true, value: `v${i}` }] })));
    expect(results).toEqual(Array.from({ length: 9 }, (_, i) => `v${i}`));
    // Full modules are dropped with their last VM; at most the current one and a spare remain.
    expect(sandbox.stats()).toMatchObject({ liveVms: 0, unfreedVms: 0 });
    expect(sandbox.stats().modules).toBeLessThanOrEqual(2);
  } finally {
    sandbox.dispose();
  }
});
