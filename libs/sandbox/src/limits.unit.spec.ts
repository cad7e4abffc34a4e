import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { errorOf, resultOf, runLive, source, startTask } from "@tasker/testing";
import { DEFAULT_LIMITS, type SandboxLimits } from "./limits.js";
import { createSandbox, type Sandbox } from "./sandbox.js";
import type { Outcome } from "./types.js";

const MiB = 1024 * 1024;

/**
 * A sandbox per suite, with small limits so that each breach is quick to reach. After each test the
 * failed VM is disposed and QuickJS freed its runtime; only where a task allocated heavily inside
 * promise jobs may QuickJS refuse to free it (upstream quickjs-emscripten #235/#269), which the
 * sandbox contains by retiring that module.
 */
function sandboxWith(limits: Partial<SandboxLimits>, options: { heavyAllocation?: boolean } = {}): { current: Sandbox } {
  const holder = {} as { current: Sandbox };
  beforeAll(async () => {
    holder.current = await createSandbox({ moduleMemoryBytes: 256 * MiB, ...limits });
  });
  afterEach(() => {
    const stats = holder.current.stats();
    expect(stats.liveVms).toBe(0);
    if (!options.heavyAllocation) expect(stats.unfreedVms).toBe(0);
    // A module that could not free a runtime is retired and, holding no VM, dropped.
    expect(stats.modules).toBeLessThanOrEqual(2);
  });
  afterAll(() => holder.current.dispose());
  return holder;
}

const failing = async (sandbox: { current: Sandbox }, body: string) =>
  errorOf((await startTask(sandbox.current, source(`export default async function (input, tools) {${body}}`))).outcome);

describe("CPU time per activation", () => {
  const sandbox = sandboxWith({ cpuMsPerActivation: 200 });
  it("stops while(true){} with CPU_TIME_LIMIT", async () => {
    const started = performance.now();
    expect(await failing(sandbox, `while (true) {}`)).toMatchObject({
      code: "CPU_TIME_LIMIT",
      name: "CpuTimeLimitError",
      message: "the activation used more than 200 ms of CPU time",
    });
    // Stopped by its CPU time, not by the wall-clock backstop (10 s), however loaded the machine.
    expect(performance.now() - started).toBeLessThan(9000);
  });

  it("cannot be swallowed by the task's own try/catch or promise handlers", async () => {
    expect(await failing(sandbox, `for (;;) { try { while (true) {} } catch (e) {} }`)).toMatchObject({ code: "CPU_TIME_LIMIT" });
    const viaPromise = `const spin = async () => { while (true) {} };
      for (;;) { await spin().catch(() => "swallowed"); }`;
    expect(await failing(sandbox, viaPromise)).toMatchObject({ code: "CPU_TIME_LIMIT" });
  });

  it("is per activation: a run may use more in total", async () => {
    // The work doubles from a little until the run's CPU time passes one activation's limit: that run
    // spent at most about half the limit in each of its four activations, on any machine.
    for (let iterations = 1e5; ; iterations *= 2) {
      const code = source(`export default async function (input, tools) {
        for (let i = 0; i < 4; i++) { let n = 0; while (n < ${iterations}) n++; await tools.sleep(1); }
        return "ok";
      }`);
      let outcome: Outcome | undefined;
      const usedMs = await cpuMsOf(async () => {
        outcome = (await runLive(sandbox.current, code)).outcome;
      });
      expect(resultOf(outcome!)).toBe("ok");
      if (usedMs > 200) return;
    }
  });

  it("counts the CPU time the task uses, not the time the thread waits", async () => {
    const code = source(`export default async () => { for (let i = 0; i < 5; i++) console.log(i); return "ok"; }`);
    // Each line blocks the thread for 100 ms: 500 ms pass, little CPU time does.
    const blockingLog = () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    const { outcome } = await sandbox.current.start({ stackRunId: "r/s", taskName: "task", source: code, input: null, at: 0, onLog: blockingLog });
    expect(resultOf(outcome)).toBe("ok");
  });
});

describe("wall-clock time per activation", () => {
  const sandbox = sandboxWith({ cpuMsPerActivation: 5000, wallMsPerActivation: 200 });
  it("stops an activation that runs too long without using CPU time with WALL_TIME_LIMIT, even if the task catches", async () => {
    const code = source(`export default async () => { for (;;) { try { console.log("waiting"); } catch (e) {} } }`);
    const blockingLog = () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    const { outcome } = await sandbox.current.start({ stackRunId: "r/s", taskName: "task", source: code, input: null, at: 0, onLog: blockingLog });
    expect(errorOf(outcome)).toMatchObject({ code: "WALL_TIME_LIMIT", name: "WallTimeLimitError", message: "the activation ran longer than 200 ms of wall-clock time" });
  });
});

/** CPU time this thread used while `run` ran, in ms. */
async function cpuMsOf(run: () => Promise<unknown>): Promise<number> {
  const before = process.threadCpuUsage();
  await run();
  const used = process.threadCpuUsage(before);
  return (used.user + used.system) / 1000;
}

describe("memory per VM", () => {
  const sandbox = sandboxWith({ memoryBytes: 32 * MiB, cpuMsPerActivation: 5000 }, { heavyAllocation: true });
  it("fails an allocation bomb with MEMORY_LIMIT and keeps the process healthy", async () => {
    const before = process.memoryUsage().rss;
    expect(await failing(sandbox, `const a = []; while (true) a.push(new Array(1e5).fill(a.length));`)).toMatchObject({ code: "MEMORY_LIMIT" });
    expect(await failing(sandbox, `const a = []; for (;;) { try { while (true) a.push("x".repeat(1000) + a.length); } catch (e) {} }`)).toMatchObject({
      code: "MEMORY_LIMIT",
    });
    expect(await failing(sandbox, `return "x".repeat(100 * 1024 * 1024).length;`)).toMatchObject({ code: "MEMORY_LIMIT" });
    expect(process.memoryUsage().rss - before).toBeLessThan(512 * MiB);
    // The sandbox still runs tasks afterwards.
    expect(resultOf((await startTask(sandbox.current, source(`export default async () => "alive"`))).outcome)).toBe("alive");
  });

  it("lets a task catch a single oversized allocation and go on", async () => {
    const code = source(`export default async () => { try { new Uint8Array(1e9); } catch (e) { return e.message; } }`);
    expect(resultOf((await startTask(sandbox.current, code)).outcome)).toBe("out of memory");
  });

  it("accumulated over activations is still limited", async () => {
    const code = source(`export default async function (input, tools) {
      const kept = [];
      for (;;) { for (let i = 0; i < 5e4; i++) kept.push({ i }); await tools.sleep(1); }
    }`);
    const run = await runLive(sandbox.current, code, undefined, { maxActivations: 100 });
    expect(errorOf(run.outcome)).toMatchObject({ code: "MEMORY_LIMIT" });
  });

  it("counts strings built by concatenation and typed arrays kept across awaits, which QuickJS's heap figure misses or sees late", async () => {
    // Ropes: QuickJS reported ~200 KB of heap for 120 MB of these kept over four awaits.
    const ropes = source(`export default async function (input, tools) {
      const kept = [];
      for (;;) { for (let i = 0; i < 10; i++) kept.push("x".repeat(1e6) + i); await tools.sleep(1); }
    }`);
    expect(errorOf((await runLive(sandbox.current, ropes, undefined, { maxActivations: 100 })).outcome)).toMatchObject({ code: "MEMORY_LIMIT" });
    const buffers = source(`export default async function (input, tools) {
      const kept = [];
      for (;;) { kept.push(new Uint8Array(8e6)); await tools.sleep(1); }
    }`);
    expect(errorOf((await runLive(sandbox.current, buffers, undefined, { maxActivations: 100 })).outcome)).toMatchObject({ code: "MEMORY_LIMIT" });
  });
});

describe("a runtime QuickJS cannot free (upstream #235/#269)", () => {
  const sandbox = sandboxWith({ preparedVms: 0 }, { heavyAllocation: true });

  it("is contained: its module is retired, its neighbours keep working, then the module is dropped", async () => {
    const neighbour = await startTask(sandbox.current, source(`export default async (i, tools) => "neighbour got " + (await tools.keystore.get("k"))`));
    // 50k objects kept across three awaits: QuickJS's JS_FreeRuntime then aborts on its own GC list.
    const heavy = source(`export default async function (input, tools) {
      const kept = [];
      for (let round = 0; round < 3; round++) { for (let i = 0; i < 5e4; i++) kept.push({ i }); await tools.sleep(1); }
      return kept.length;
    }`);
    const run = await runLive(sandbox.current, heavy);
    expect(resultOf(run.outcome)).toBe(150_000);
    const stats = sandbox.current.stats();
    expect(stats).toMatchObject({ liveVms: 1, unfreedVms: 1 });
    expect(resultOf(neighbour.vm.resume({ at: 1, results: [{ seq: 0, ok: true, value: "v" }] }))).toBe("neighbour got v");
    expect(sandbox.current.stats().modules).toBe(stats.modules - 1);
    expect(resultOf((await startTask(sandbox.current, source(`export default async () => "fresh module"`))).outcome)).toBe("fresh module");
  });
});

describe("other limits", () => {
  const sandbox = sandboxWith({ argsBytes: 64 * 1024, resultBytes: 64 * 1024, callsPerActivation: 50 });
  it("fails unbounded recursion with STACK_LIMIT", async () => {
    expect(await failing(sandbox, `const f = (n) => f(n + 1) + 1; return f(0);`)).toMatchObject({ code: "STACK_LIMIT" });
  });

  it("rejects a call whose arguments are too large with ARGS_TOO_LARGE, which the task may catch", async () => {
    const code = source(`export default async function (input, tools) {
      try { await tools.gapi.upload("x".repeat(70 * 1024)); } catch (e) { return [e.code, e.name]; }
    }`);
    expect(resultOf((await startTask(sandbox.current, code)).outcome)).toEqual(["ARGS_TOO_LARGE", "RangeError"]);
    // Multi-byte characters are counted in UTF-8 bytes, not string length.
    const wide = await failing(sandbox, `await tools.gapi.upload("é".repeat(40 * 1024));`);
    expect(wide).toMatchObject({ code: "ARGS_TOO_LARGE" });
  });

  it("rejects a call result that is too large with RESULT_TOO_LARGE", async () => {
    const code = source(`export default async (input, tools) => tools.gapi.download().catch((e) => e.code)`);
    const run = await runLive(sandbox.current, code, (call) => ({ seq: call.seq, ok: true, value: "y".repeat(70 * 1024) }));
    expect(resultOf(run.outcome)).toBe("RESULT_TOO_LARGE");
  });

  it("fails a task whose return value is too large with RESULT_TOO_LARGE", async () => {
    expect(await failing(sandbox, `return "z".repeat(70 * 1024);`)).toMatchObject({ code: "RESULT_TOO_LARGE" });
  });

  it("fails an activation that makes too many calls with CALL_LIMIT, even if the task catches", async () => {
    const error = await failing(sandbox, `const calls = [];
      for (let i = 0; i < 60; i++) { try { calls.push(tools.sleep(i).catch(() => 0)); } catch (e) {} }
      await Promise.all(calls);`);
    expect(error).toMatchObject({ code: "CALL_LIMIT" });
  });
});

it("refuses limits the build cannot honour", async () => {
  await expect(createSandbox({ stackBytes: 1024 * 1024 })).rejects.toMatchObject({ code: "INVALID_LIMITS" });
  await expect(createSandbox({ memoryBytes: -1 })).rejects.toMatchObject({ code: "INVALID_LIMITS" });
  for (const limit of ["wallMsPerActivation", "argsBytesPerActivation", "logLinesPerActivation"] as const) {
    await expect(createSandbox({ [limit]: 0 })).rejects.toMatchObject({ code: "INVALID_LIMITS", message: expect.stringContaining(limit) });
  }
  await expect(createSandbox({ argsBytes: 2048, argsBytesPerActivation: 1024 })).rejects.toMatchObject({ code: "INVALID_LIMITS" });
});

it("has defaults for the limits added with the bounds of @tasker/contracts", () => {
  expect(DEFAULT_LIMITS).toMatchObject({ cpuMsPerActivation: 1000, wallMsPerActivation: 10_000, argsBytesPerActivation: 8 * MiB, logLinesPerActivation: 1000 });
});
