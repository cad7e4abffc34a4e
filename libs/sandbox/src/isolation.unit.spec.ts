import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { errorOf, resultOf, runLive, source, startTask } from "@tasker/testing";
import { createSandbox, type Sandbox } from "./sandbox.js";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await createSandbox({ argsBytes: 64 * 1024 });
});
afterEach(() => {
  expect(sandbox.stats()).toMatchObject({ liveVms: 0, unfreedVms: 0 });
});
afterAll(() => sandbox.dispose());

const run = async (body: string) => resultOf((await startTask(sandbox, source(`export default async function (input, tools) {${body}}`))).outcome);

describe("no host access", () => {
  it("has no process, host require, fetch, file system or timers", async () => {
    const seen = await run(`return [typeof process, typeof fetch, typeof XMLHttpRequest, typeof std, typeof os, typeof Deno, typeof Buffer];`);
    expect(seen).toEqual(["undefined", "undefined", "undefined", "undefined", "undefined", "undefined", "undefined"]);
    expect(await run(`try { require("fs"); } catch (e) { return e.code; }`)).toBe("MODULE_NOT_FOUND");
    expect(await run(`try { require("node:child_process"); } catch (e) { return e.code; }`)).toBe("MODULE_NOT_FOUND");
  });

  it("reaches nothing through constructor chains of the tools", async () => {
    const attempts = await run(`
      const tries = [
        () => tools.tasks.execute.constructor("return process")(),
        () => tools.log.constructor.constructor("return process.env")(),
        () => __callHostTool__.constructor("return this.process")(),
        () => console.log.constructor("return require")()("child_process"),
        () => Object.getPrototypeOf(async () => {}).constructor("return typeof process")(),
        // A service path is a proxy: its "constructor" is just another tool method, no host function.
        () => tools.gapi.constructor.constructor("return process")(),
      ];
      return tries.map((attempt) => { try { return String(attempt()); } catch (e) { return e.code || e.name; } });
    `);
    expect(attempts).toEqual(["ReferenceError", "ReferenceError", "undefined", "MODULE_NOT_FOUND", "[object Promise]", "TypeError"]);
  });

  it("keeps prototype pollution inside the VM that did it", async () => {
    const polluted = await run(`
      Object.prototype.polluted = "yes";
      Object.getPrototypeOf(tools.tasks).hijacked = () => "hijacked";
      Function.prototype.call = () => "hijacked";
      try { tools.tasks.execute = () => "replaced"; } catch (e) {}
      return [({}).polluted, typeof tools.tasks.execute("x", {})];
    `);
    expect(polluted).toEqual(["yes", "object"]);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
    expect(await run(`return [({}).polluted, Object.getPrototypeOf(tools.tasks).hijacked];`)).toEqual([null, null]);
  });

  it("gives each VM its own globals", async () => {
    expect(await run(`globalThis.shared = 1; Math.random = () => 4; return 1;`)).toBe(1);
    expect(await run(`return [typeof globalThis.shared, Math.random() === 4];`)).toEqual(["undefined", false]);
  });
});

describe("tool arguments must be JSON", () => {
  it.each([
    ["a function", `tools.gapi.x(() => 1)`, "function"],
    ["a symbol", `tools.gapi.x({ s: Symbol("s") })`, "symbol"],
    ["a BigInt", `tools.gapi.x(1n)`, "bigint"],
    ["a Map", `tools.gapi.x(new Map([[1, 2]]))`, "Map"],
    ["a cycle", `(() => { const a = {}; a.self = a; return tools.gapi.x(a); })()`, "circular"],
    ["a throwing getter", `tools.gapi.x({ get secret() { throw new Error("nope") } })`, "nope"],
  ])("rejects %s with INVALID_ARGUMENT", async (_what, call, mentions) => {
    const error = (await run(`try { await ${call}; return "made"; } catch (e) { return { code: e.code, message: e.message }; }`)) as {
      code: string;
      message: string;
    };
    expect(error.code).toBe("INVALID_ARGUMENT");
    expect(error.message.toLowerCase()).toContain(mentions.toLowerCase());
  });

  it("rejects a malformed direct __callHostTool__ call", async () => {
    const codes = await run(`
      const attempts = [() => __callHostTool__(1, [], []), () => __callHostTool__("s", "m", []), () => __callHostTool__("s", ["m"], "args")];
      const codes = [];
      for (const attempt of attempts) codes.push(await attempt().catch((e) => e.code));
      return codes;
    `);
    expect(codes).toEqual(["INVALID_ARGUMENT", "INVALID_ARGUMENT", "INVALID_ARGUMENT"]);
  });

  it("refuses huge strings before they reach the host", async () => {
    const error = await run(`return tools.gapi.x("a".repeat(10 * 1024 * 1024)).catch((e) => e.code);`);
    expect(error).toBe("ARGS_TOO_LARGE");
  });

  it("passes only JSON to the host: undefined members drop, dates become strings", async () => {
    const { outcome, vm } = await startTask(sandbox, source(`export default async (i, tools) => tools.gapi.x({ a: undefined, d: new Date(0) }, undefined)`));
    expect(outcome).toMatchObject({ kind: "suspended", calls: [{ args: [{ d: "1970-01-01T00:00:00.000Z" }, null] }] });
    vm.dispose();
  });
});

describe("non-deterministic APIs", () => {
  it("has timers that tell the task to use tools.sleep", async () => {
    const error = errorOf((await startTask(sandbox, source(`export default async () => setTimeout(() => 1, 10)`))).outcome);
    expect(error).toMatchObject({ code: "NON_DETERMINISTIC_API" });
    expect(error.message).toContain("tools.sleep");
  });

  it("has WeakRef and FinalizationRegistry that explain why not", async () => {
    const messages = await run(`return [() => new WeakRef({}), () => new FinalizationRegistry(() => {})].map((f) => { try { f(); } catch (e) { return e.code + ": " + e.message; } });`);
    expect(messages).toEqual([
      expect.stringMatching(/^NON_DETERMINISTIC_API: WeakRef .*garbage collection/),
      expect.stringMatching(/^NON_DETERMINISTIC_API: FinalizationRegistry .*garbage collection/),
    ]);
  });

  it("sleeps durably: tools.sleep is a call like any other", async () => {
    const live = await runLive(sandbox, source(`export default async (i, tools) => { await tools.sleep(60000); return Date.now(); }`));
    expect(live.journal[0]!.calls).toMatchObject([{ service: "sleep", method: ["sleep"] }]);
    expect(resultOf(live.outcome)).toBe(live.journal[1]!.at);
  });
});

describe("the parts of the prelude compiled on first use", () => {
  it("use the intrinsics captured before the task ran, whatever the task replaced before needing them", async () => {
    const code = source(`export default async function (input, tools) {
      const define = Object.defineProperty, assign = Object.assign, E = Error;
      const trap = function () { throw new E("replaced"); };
      // Every name a part reads from what it is handed, and every export it returns.
      const names = ["settings", "chars", "codedError", "cut", "format", "callHostTool", "stringify", "isArray", "keysOf", "isFiniteNumber",
        "isInteger", "freeze", "defineProperty", "apply", "promiseThen", "ErrorCtor", "TypeErrorCtor", "pending", "toJson", "hostCall", "parse",
        "indexOfString", "sliceString", "PromiseCtor", "RangeErrorCtor", "databaseTools", "errorRecord", "rebuilt"];
      for (const name of names) define(Object.prototype, name, { get: trap, configurable: true });
      Object.keys = trap; Object.freeze = trap; Object.defineProperty = trap; Number.isInteger = trap; Number.isFinite = trap;
      JSON.stringify = trap; JSON.parse = trap; Array.isArray = trap; Reflect.apply = trap; String.prototype.indexOf = trap; String.prototype.slice = trap;
      for (const name of ["Object", "Number", "JSON", "Array", "Reflect", "Error", "TypeError", "RangeError", "String", "Promise"]) globalThis[name] = undefined;
      const { data } = await tools.database.from("notes").select("id").in("id", [1, 2]).limit(2);
      let rejected;
      try { await tools.gapi.users.get({ id: 1 }); } catch (error) { rejected = [error instanceof E, error.code, error.message, error.status]; }
      throw new AggregateError([new E("a")], "m", { cause: assign(new E("c"), { code: 7, data, rejected }) });
    }`);
    const calls: string[] = [];
    const live = await runLive(sandbox, code, (call) => {
      calls.push(`${call.service}.${call.method.join(".")}`);
      if (call.service === "database") return { seq: call.seq, ok: true, value: { data: call.args[0], error: null } };
      return { seq: call.seq, ok: false, error: { code: "NOT_FOUND", name: "ServiceError", message: "no such user", details: { status: 404 } } };
    });
    expect(calls).toEqual(["database.query", "gapi.users.get"]);
    expect(errorOf(live.outcome)).toMatchObject({
      name: "AggregateError",
      message: "m",
      details: { errors: [{ message: "a" }] },
      cause: {
        message: "c",
        code: 7,
        details: {
          data: { table: "notes", action: "select", columns: "id", filters: [{ column: "id", op: "in", value: [1, 2] }], limit: 2 },
          rejected: [true, "NOT_FOUND", "no such user", 404],
        },
      },
    });
  });
});
