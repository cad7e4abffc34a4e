import { echo, errorOf, eventually, resultOf, runLive, source, startTask, useSandbox } from "@tasker/testing";
import { describe, expect, it } from "vitest";
import { createSandbox } from "./sandbox.js";

// After each test every VM was disposed and QuickJS freed every runtime: nothing leaked.
const sandbox = useSandbox();

describe("task forms", () => {
  it("runs CommonJS module.exports = async function (input, context)", async () => {
    const code = source(`module.exports = async function (input, context) {
      const sheet = await context.tools.gapi.sheets.values.get({ id: input.id });
      return { sheet, same: context.tools === context };
    }`);
    const run = await runLive(sandbox.current, code, echo, { input: { id: 7 } });
    expect(resultOf(run.outcome)).toEqual({ sheet: { echo: [{ id: 7 }], method: ["sheets", "values", "get"] }, same: true });
    expect(run.journal[0]!.calls[0]).toMatchObject({ seq: 0, service: "gapi", method: ["sheets", "values", "get"] });
  });

  it("runs ES export async function runTask(input, tools)", async () => {
    const code = source(`export async function runTask(input, tools) {
      return await tools.tasks.execute("child", { x: input.n });
    }`);
    const run = await runLive(sandbox.current, code, (call) => ({ seq: call.seq, ok: true, value: [call.service, call.method, call.args] }));
    expect(resultOf(run.outcome)).toEqual(["tasks", ["execute"], ["child", { x: 1 }]]);
  });

  it("runs ES export default, where the global tools is the second argument", async () => {
    const code = source(`export default async function (input, ctx) {
      const viaGlobal = await tools.tasks.execute("nested", input);
      return { viaGlobal, same: ctx === tools && ctx.tools === tools };
    }`);
    const run = await runLive(sandbox.current, code, () => ({ seq: 0, ok: true, value: "child done" }));
    expect(resultOf(run.outcome)).toEqual({ viaGlobal: "child done", same: true });
  });

  it("suspends at each of 3 sequential awaits, then once for a Promise.all of 5", async () => {
    const code = source(`module.exports = async function (input, { tools }) {
      const a = await tools.keystore.get("a");
      const b = await tools.websearch.search({ q: a });
      await tools.sleep(1000);
      const all = await Promise.all([1, 2, 3, 4, 5].map((i) => tools.openai.chat.completions.create({ i, b })));
      return all.length;
    }`);
    const run = await runLive(sandbox.current, code);
    expect(resultOf(run.outcome)).toBe(5);
    expect(run.journal.map((activation) => activation.calls.map((call) => call.seq))).toEqual([[0], [1], [2], [3, 4, 5, 6, 7], []]);
    expect(run.journal[2]!.calls[0]).toMatchObject({ service: "sleep", method: ["sleep"] });
    expect(run.vm.activations).toBe(5);
  });

  it("calls __callHostTool__ directly, and logs through console and tools.log", async () => {
    const lines: string[] = [];
    const code = source(`export default async function (input, tools) {
      console.warn("careful", { n: 1 });
      tools.log("error", "bad");
      tools.log("plain");
      return __callHostTool__("database", ["users", "find"], [{ id: 1 }]);
    }`);
    const { vm, outcome } = await startTask(sandbox.current, code, null, (line) => lines.push(`${line.level}:${line.message}:${line.stackRunId}`));
    expect(outcome).toEqual({ kind: "suspended", calls: [{ seq: 0, service: "database", method: ["users", "find"], args: [{ id: 1 }] }] });
    expect(lines).toEqual(['warn:careful {"n":1}:run-1/stack-1', "error:bad:run-1/stack-1", "info:plain:run-1/stack-1"]);
    expect(resultOf(vm.resume({ at: 1, results: [{ seq: 0, ok: true, value: "row" }] }))).toBe("row");
  });

  it("rejects a failed call with an Error whose message, name and code the task reads", async () => {
    const code = source(`module.exports = async (input, context) => {
      try {
        await context.tools.gapi.drive.files.get("f");
        return "unreachable";
      } catch (error) {
        return { message: error.message, name: error.name, code: error.code, isError: error instanceof Error };
      }
    }`);
    const run = await runLive(sandbox.current, code, (call) => ({ seq: call.seq, ok: false, error: { name: "NotFoundError", message: "no such file", code: "NOT_FOUND" } }));
    expect(resultOf(run.outcome)).toEqual({ message: "no such file", name: "NotFoundError", code: "NOT_FOUND", isError: true });
  });

  it("fails with the task's error: TASK_ERROR, or the error's own code", async () => {
    const thrown = await startTask(sandbox.current, source(`export default async function () { throw new TypeError("bad input") }`));
    expect(errorOf(thrown.outcome)).toMatchObject({ code: "TASK_ERROR", name: "TypeError", message: "bad input" });
    expect(errorOf(thrown.outcome).stack).toContain("task");
    const coded = await runLive(sandbox.current, source(`export default async (i, t) => { await t.gapi.x() }`), (call) => ({
      seq: call.seq,
      ok: false,
      error: { name: "QuotaError", message: "quota", code: "QUOTA" },
    }));
    expect(errorOf(coded.outcome)).toMatchObject({ code: "QUOTA", name: "QuotaError", message: "quota" });
  });

  it("fails clearly when the code exports no task function, does not compile, or never settles", async () => {
    expect(errorOf((await startTask(sandbox.current, source(`module.exports = { notATask: 1 }`))).outcome).code).toBe("INVALID_TASK");
    expect(errorOf((await startTask(sandbox.current, source(`module.exports = async function ( {`))).outcome).code).toBe("SYNTAX_ERROR");
    expect(errorOf((await startTask(sandbox.current, source(`export default async () => new Promise(() => {})`))).outcome).code).toBe("NEVER_SETTLES");
  });

  it("fails with RESULT_NOT_SERIALIZABLE when the task returns a non-JSON value", async () => {
    const { outcome } = await startTask(sandbox.current, source(`export default async () => ({ f() {} })`));
    expect(errorOf(outcome)).toMatchObject({ code: "RESULT_NOT_SERIALIZABLE" });
    expect(errorOf(outcome).message).toContain("function");
  });

  it("refuses an input that is not JSON without keeping the VM", async () => {
    await expect(startTask(sandbox.current, source(`export default async () => 1`), { big: 1n })).rejects.toThrow(TypeError);
  });

  it("refuses a result for a call the VM is not waiting on, leaving the VM usable", async () => {
    const { vm, outcome } = await startTask(sandbox.current, source(`export default async (i, t) => t.keystore.list()`));
    expect(outcome.kind).toBe("suspended");
    expect(() => vm.resume({ at: 1, results: [{ seq: 5, ok: true, value: 1 }] })).toThrow(expect.objectContaining({ code: "UNKNOWN_CALL" }));
    expect(resultOf(vm.resume({ at: 1, results: [{ seq: 0, ok: true, value: ["k"] }] }))).toEqual(["k"]);
    expect(() => vm.resume({ at: 2, results: [] })).toThrow(expect.objectContaining({ code: "VM_NOT_RUNNABLE" }));
  });
});

describe("helper modules", () => {
  const modules = {
    "gapi-helper": `const { scale } = require("./math");
      module.exports = { sheetName: (id) => "sheet-" + scale(id) };`,
    math: `exports.scale = (n) => n * 10;`,
    esm: `export const triple = (n) => n * 3; export default "esm-default";`,
  };

  it("loads CommonJS helpers with require and context.tasks.require, once per VM", async () => {
    const code = source(
      `module.exports = async function (input, context) {
        const viaRequire = require("./gapi-helper");
        const viaTasks = await context.tasks.require("../shared/gapi-helper");
        return { name: viaRequire.sheetName(2), same: viaRequire === viaTasks };
      }`,
      modules,
    );
    expect(resultOf((await startTask(sandbox.current, code)).outcome)).toEqual({ name: "sheet-20", same: true });
  });

  it("loads helpers with ES import, CommonJS ones as the default export", async () => {
    const code = source(
      `import helper from "./gapi-helper";
       import esmDefault, { triple } from "./esm";
       export async function runTask() { return [helper.sheetName(1), triple(2), esmDefault, require("./esm").triple(3)]; }`,
      modules,
    );
    expect(resultOf((await startTask(sandbox.current, code)).outcome)).toEqual(["sheet-10", 6, "esm-default", 9]);
  });

  it("fails with MODULE_NOT_FOUND for an unknown module", async () => {
    const viaRequire = await startTask(sandbox.current, source(`module.exports = async () => require("./nope")`));
    expect(errorOf(viaRequire.outcome)).toMatchObject({ code: "MODULE_NOT_FOUND", message: "Cannot find module './nope' from 'task'" });
    const caught = await startTask(sandbox.current, source(`module.exports = async (i, c) => c.tasks.require("x").catch((e) => e.code)`));
    expect(resultOf(caught.outcome)).toBe("MODULE_NOT_FOUND");
    const viaImport = await startTask(sandbox.current, source(`import x from "./nope"; export default async () => x`));
    expect(errorOf(viaImport.outcome)).toMatchObject({ code: "MODULE_NOT_FOUND" });
    expect(errorOf(viaImport.outcome).message).toContain("Cannot find module './nope'");
  });
});

describe("prepared VMs", () => {
  it("keeps VMs prepared while idle and binds one to each run", async () => {
    const own = await createSandbox({ preparedVms: 3 });
    try {
      const first = await startTask(own, source(`export default async () => Math.random()`));
      // Refilled when the event loop is idle, one VM a turn: a loaded machine takes a while.
      await eventually(() => own.stats().preparedVms === 3, "three VMs are prepared", 5000);
      expect(own.stats()).toMatchObject({ liveVms: 0, preparedVms: 3, unfreedVms: 0 });
      const second = await startTask(own, source(`export default async () => Math.random()`));
      expect(own.stats().preparedVms).toBe(2);
      // Bound to the same stack run id, a prepared VM draws the same numbers as one made on the spot.
      expect(resultOf(second.outcome)).toBe(resultOf(first.outcome));
    } finally {
      own.dispose();
    }
    expect(own.stats()).toMatchObject({ liveVms: 0, preparedVms: 0 });
  });
});
