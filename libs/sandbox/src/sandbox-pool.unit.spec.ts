import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashArgs } from "./hash-args.js";
import { SandboxPool } from "./sandbox-pool.js";

const CPU_MS = 300;
let pool: SandboxPool;
beforeAll(async () => {
  pool = await SandboxPool.create({ workers: 2, limits: { cpuMsPerActivation: CPU_MS, wallMsPerActivation: 30_000 }, killGraceMs: 100 });
});
afterAll(() => pool.close());

const share = { namespace: "default", taskRunId: "run", costKey: "task@1" };
let runs = 0;
function start(code: string, input: unknown = {}) {
  return pool.start({ stackRunId: `s${++runs}`, namespace: "default", taskName: "task", code, input, at: 1000 }, share);
}

// Generous: these stop workers on purpose, and a loaded machine stretches every deadline.
describe("the sandbox pool", { timeout: 60_000 }, () => {
  it("runs a task across activations on a worker, with its log lines and the helper modules it loads", async () => {
    pool.learnModule({ name: "default:shared/greet", version: "v1", code: "module.exports = (name) => `hello ${name}`;" });
    const code = `const greet = require("./shared/greet");
      module.exports = async (input, tools) => { console.log(greet(input.name)); return (await tools.tasks.execute("child", {})) + 1; };`;
    const { vm, report } = await start(code, { name: "ada" });
    expect(report.outcome).toEqual({ kind: "suspended", calls: [{ seq: 0, service: "tasks", method: ["execute"], args: ["child", {}] }] });
    expect(report.logs.map((line) => line.message)).toEqual(["hello ada"]);
    expect(report.modules).toEqual({ "shared/greet": "v1" });
    expect(vm.alive).toBe(true);
    expect(vm.memoryBytes).toBeGreaterThan(0);
    const resumed = await vm.resume({ at: 2000, results: [{ seq: 0, ok: true, value: 41 }] }, share);
    expect(resumed.outcome).toEqual({ kind: "completed", result: 42, calls: [] });
    expect(vm.alive).toBe(false);
  });

  it("replays a journal with the module versions it pinned, whatever is published since", async () => {
    pool.learnModule({ name: "default:shared/greet", version: "v2", code: "module.exports = () => 'changed';" });
    const code = `const greet = require("./shared/greet"); module.exports = async (input, tools) => greet("x") + (await tools.tasks.execute("c", {}));`;
    const journal = [{ at: 1, results: [], calls: [{ seq: 0, service: "tasks", method: ["execute"], argsHash: hashArgs(["c", {}]) }] }];
    const pinned = { "shared/greet": { version: "v1", code: "module.exports = (name) => `hello ${name}`;" } };
    const { vm, report } = await pool.replay({ stackRunId: "replayed", namespace: "default", taskName: "task", code, input: {}, journal, pinned }, share);
    expect(report.outcome.kind).toBe("suspended");
    const resumed = await vm.resume({ at: 2, results: [{ seq: 0, ok: true, value: "!" }] }, share);
    expect(resumed.outcome).toMatchObject({ kind: "completed", result: "hello x!" });
  });

  it("stops an activation stuck in a native built-in at its CPU limit, while another worker serves others", async () => {
    const began = performance.now();
    const stuck = start("module.exports = async () => Array.prototype.join.call({ length: 1e9 }, '')");
    const echo = await start("module.exports = async (input) => input", "echo");
    expect(echo.report.outcome).toMatchObject({ kind: "completed", result: "echo" });
    const { vm, report } = await stuck;
    expect(report.outcome).toMatchObject({ kind: "failed", error: { code: "CPU_TIME_LIMIT", name: "CpuTimeLimitError" }, calls: [] });
    expect(vm.alive).toBe(false);
    // Generous: the CPU limit is 300 ms; a loaded machine stretches wall-clock time.
    expect(performance.now() - began).toBeLessThan(30_000);
    expect(pool.stats().replacedWorkers.CPU_TIME_LIMIT).toBeGreaterThanOrEqual(1);
  });

  it("stops a compile that overruns, as COMPILE_TIME_LIMIT", async () => {
    const lets = Array.from({ length: 62_000 }, (_, i) => `let v${i} = ${i};`).join("\n");
    const { report } = await start(`${lets}\nmodule.exports = async () => 1;`);
    expect(report.outcome).toMatchObject({ kind: "failed", error: { code: "COMPILE_TIME_LIMIT", name: "CompileTimeLimitError" } });
  });

  it("loses the VMs of the workers it replaced: their resumes say VM_LOST, and fresh workers take new runs", async () => {
    const waiting = "module.exports = async (input, tools) => tools.tasks.execute('child', input);";
    const held = await Promise.all(Array.from({ length: 4 }, () => start(waiting)));
    const replacedBefore = pool.stats().replacedWorkers.CPU_TIME_LIMIT ?? 0;
    // Both workers are idle: each takes one of these, and each is stopped.
    const hogs = ["new Array(1e8).indexOf(1)", "Array.prototype.join.call({ length: 1e9 }, '')"].map((body) => start(`module.exports = async () => ${body}`));
    for (const { report } of await Promise.all(hogs)) expect(report.outcome).toMatchObject({ kind: "failed", error: { code: "CPU_TIME_LIMIT" } });
    expect((pool.stats().replacedWorkers.CPU_TIME_LIMIT ?? 0) - replacedBefore).toBe(2);
    for (const { vm } of held) {
      expect(vm.alive).toBe(false);
      await expect(vm.resume({ at: 3000, results: [{ seq: 0, ok: true, value: "done" }] }, share)).rejects.toMatchObject({ code: "VM_LOST" });
    }
    const fresh = await start(waiting);
    expect((await fresh.vm.resume({ at: 3000, results: [{ seq: 0, ok: true, value: "done" }] }, share)).outcome).toMatchObject({ kind: "completed", result: "done" });
  });

  it("rejects what it is asked once closed", async () => {
    const closing = await SandboxPool.create({ workers: 1 });
    await closing.close();
    await expect(closing.start({ stackRunId: "late", namespace: "default", taskName: "task", code: "module.exports = async () => 1", input: {}, at: 0 }, share)).rejects.toMatchObject({ code: "SANDBOX_DISPOSED" });
  });
});
