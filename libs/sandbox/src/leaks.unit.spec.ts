import { createRequire } from "node:module";
import * as debugSyncModule from "@jitl/quickjs-wasmfile-debug-sync";
import { afterAll, beforeAll, expect, it } from "vitest";
import { errorOf, resultOf, runLive, source, startTask } from "@tasker/testing";
import { createSandboxOn, type SandboxImpl } from "./sandbox.js";
import { syncVariant } from "./wasm-module-host.js";

// The debug build carries LeakSanitizer: once every VM is disposed, any memory still allocated and
// unreachable (a handle, a C string, a runtime we forgot) is reported by the module.
let sandbox: SandboxImpl;
beforeAll(async () => {
  const wasmPath = createRequire(import.meta.url).resolve("@jitl/quickjs-wasmfile-debug-sync/wasm");
  sandbox = await createSandboxOn({ variant: syncVariant(debugSyncModule), wasmPath }, {
    preparedVms: 0,
    cpuMsPerActivation: 1500,
    argsBytes: 1024,
    argsBytesPerActivation: 2048,
    logLinesPerActivation: 5,
  });
});
afterAll(() => sandbox.dispose());

it("leaks nothing across task forms, helpers, failures, limits and replay", async () => {
  const helpers = { h: `exports.twice = (n) => n * 2;`, e: `export const one = 1;` };
  const tasks = [
    `module.exports = async (input, ctx) => ctx.tools.gapi.a.b({ n: require("./h").twice(input.n) })`,
    `import { one } from "./e"; export async function runTask(input, tools) { return [one, await tools.tasks.execute("c", {})]; }`,
    `export default async (input, tools) => { try { await tools.keystore.get("k"); } catch (e) { return e.code; } }`,
    `export default async () => { throw new Error("boom"); }`,
    `export default async () => { while (true) {} }`,
    `export default async (i, tools) => tools.gapi.x("y".repeat(2000)).catch((e) => e.code)`,
    `export default async (i, tools) => tools.gapi.x(() => 1).catch((e) => e.code)`,
    `export default async () => require("./missing")`,
    `export default async () => new Promise(() => {})`,
    `export default async (i, tools) => { console.log("line"); await Promise.all([tools.sleep(1), tools.sleep(2)]); return Date.now(); }`,
    `export default async (i, tools) => Promise.all([__callHostTool__("Bad", ["x"], []), tools.gapi[""](), tools.gapi.x("\\u0000")].map((p) => p.catch((e) => e.code)))`,
    `export default async (i, tools) => Promise.all([1, 2, 3].map(() => tools.gapi.x("y".repeat(1000)).catch((e) => e.code)))`,
    `export default async () => { let v = 0; for (let i = 0; i < 3000; i++) v = [v]; return v; }`,
    `export default async () => ({ text: "\\ud800" })`,
    `export default async () => { const e = new Error("m"); e.code = "C".repeat(300); throw e; }`,
    `export default async () => { const e = new Error("m"); e.name = "\\u0000"; throw e; }`,
    `export default async () => { for (let i = 0; i < 8; i++) console.log("x".repeat(20000), "\\u0000"); return "logged"; }`,
  ];
  const outcomes = [];
  for (const code of tasks) {
    outcomes.push((await runLive(sandbox, source(code, helpers), (call) => ({ seq: call.seq, ok: false, error: { name: "E", message: "m", code: "FAILED_CALL" } }))).outcome);
  }
  expect(outcomes.map((outcome) => (outcome.kind === "failed" ? outcome.error.code : outcome.kind))).toEqual([
    "FAILED_CALL",
    "FAILED_CALL",
    "completed",
    "TASK_ERROR",
    "CPU_TIME_LIMIT",
    "completed",
    "completed",
    "MODULE_NOT_FOUND",
    "NEVER_SETTLES",
    "FAILED_CALL",
    "completed",
    "completed",
    "STACK_LIMIT",
    "completed",
    "ERROR_TOO_LARGE",
    "TASK_ERROR",
    "completed",
  ]);

  const recorded = source(`export default async (i, tools) => { await tools.sleep(1); return tools.sleep(2); }`);
  const live = await runLive(sandbox, recorded);
  expect(resultOf((await sandbox.replay({ stackRunId: "run-1/stack-1", taskName: "task", source: recorded, input: { n: 1 }, journal: live.journal, onLog: () => {} })).outcome)).toBeDefined();
  const changed = source(`export default async (i, tools) => { await tools.sleep(5); return 1; }`);
  expect(errorOf((await sandbox.replay({ stackRunId: "run-1/stack-1", taskName: "task", source: changed, input: { n: 1 }, journal: live.journal, onLog: () => {} })).outcome).code).toBe("NON_DETERMINISM");

  const suspended = await startTask(sandbox, source(`export default async (i, tools) => tools.sleep(1)`));
  suspended.vm.dispose();

  expect(sandbox.stats()).toMatchObject({ liveVms: 0, unfreedVms: 0 });
  expect(sandbox.leakingModules()).toBe(0);
}, 60_000);
