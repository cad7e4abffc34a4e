import { afterAll, beforeAll, expect, it } from "vitest";
import { errorOf, resultOf, runLive, source, startTask } from "@tasker/testing";
import { createSandbox, type Sandbox } from "./sandbox.js";
import type { Outcome } from "./types.js";

// QuickJS's stack check measures the WASM shadow stack; these tasks exhaust V8's own stack first.
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await createSandbox({ preparedVms: 0 });
});
afterAll(() => sandbox.dispose());

const DEEP_PARENS = "(".repeat(1000) + "1" + ")".repeat(1000);
const deepValue = `let v = 0; for (let i = 0; i < 3000; i++) v = [v];`;

const expectHostStackLimit = (outcome: Outcome) =>
  expect(errorOf(outcome)).toMatchObject({ code: "STACK_LIMIT", name: "StackLimitError", message: expect.stringContaining("the task nested too deeply for the sandbox") });

/** Calls `fn` with about half of the host's stack already used, as deep inside a service's own calls. */
function withHalfTheStack<T>(fn: () => T): T {
  let depth = 0;
  const probe = (): void => {
    depth += 1;
    probe();
  };
  try {
    probe();
  } catch {
    // The stack's size in these frames, measured.
  }
  const descend = (left: number): T => (left === 0 ? fn() : descend(left - 1));
  return descend(Math.floor(depth / 2));
}

it("fails a task whose parsing overflows the host's stack with STACK_LIMIT, even if it catches", async () => {
  const { outcome } = await startTask(sandbox, source(`export default async () => { try { (0, eval)(${JSON.stringify(DEEP_PARENS)}); } catch (e) { return "caught"; } }`));
  expectHostStackLimit(outcome);
  expect(sandbox.stats()).toMatchObject({ liveVms: 0, unfreedVms: 0 });
  expect(resultOf((await startTask(sandbox, source(`export default async () => "still running"`))).outcome)).toBe("still running");
});

it("fails the same way in the task's own code and in helper modules loaded by require or import", async () => {
  const helpers = { deep: `module.exports = ${DEEP_PARENS};`, esm: `export default ${DEEP_PARENS};` };
  const tasks = [
    `export default async () => ${DEEP_PARENS}`,
    `module.exports = async () => { try { return require("./deep"); } catch (e) { return "caught"; } }`,
    `import deep from "./esm"; export default async () => deep;`,
    `export default async () => { try { return await import("./esm"); } catch (e) { return "caught"; } }`,
  ];
  for (const code of tasks) expectHostStackLimit((await startTask(sandbox, source(code, helpers))).outcome);
  expect(sandbox.stats()).toMatchObject({ liveVms: 0, unfreedVms: 0 });
});

it("retires the module of a VM whose host stack overflowed, while the VMs already on it keep running", async () => {
  const neighbour = await startTask(sandbox, source(`export default async (i, tools) => "neighbour got " + (await tools.keystore.get("k"))`));
  const modules = sandbox.stats().modules;
  expectHostStackLimit((await startTask(sandbox, source(`export default async () => (0, eval)(${JSON.stringify(DEEP_PARENS)})`))).outcome);
  expect(sandbox.stats()).toMatchObject({ liveVms: 1, unfreedVms: 0 });
  // A new VM goes on a fresh module; the retired one is dropped with its last VM.
  expect(resultOf((await startTask(sandbox, source(`export default async () => "fresh"`))).outcome)).toBe("fresh");
  expect(sandbox.stats().modules).toBe(modules + 1);
  expect(resultOf(neighbour.vm.resume({ at: 1, results: [{ seq: 0, ok: true, value: "v" }] }))).toBe("neighbour got v");
  expect(sandbox.stats()).toMatchObject({ modules, liveVms: 0, unfreedVms: 0 });
});

it("fails a result or call argument 3,000 levels deep with STACK_LIMIT, however much host stack is left", async () => {
  const returned = source(`export default async (i, tools) => { await tools.sleep(1); ${deepValue} return v; }`);
  const passed = source(`export default async (i, tools) => { await tools.sleep(1); ${deepValue} await tools.gapi.x(v); }`);
  for (const code of [returned, passed]) {
    expect(errorOf((await runLive(sandbox, code)).outcome)).toMatchObject({ code: "STACK_LIMIT" });
    const { vm } = await startTask(sandbox, code);
    expectHostStackLimit(withHalfTheStack(() => vm.resume({ at: 1, results: [{ seq: 0, ok: true, value: null }] })));
  }
  expect(sandbox.stats()).toMatchObject({ liveVms: 0, unfreedVms: 0 });
  expect(resultOf((await runLive(sandbox, source(`export default async (i, tools) => tools.sleep(1).then(() => "alive")`))).outcome)).toBe("alive");
});
