import { MAX_ERROR_CODE_CHARS, MAX_ERROR_MESSAGE_CHARS, MAX_ERROR_NAME_CHARS, MAX_ERROR_STACK_CHARS, stringProblem } from "@tasker/contracts";
import { describe, expect, it } from "vitest";
import { errorOf, source, startTask, useSandbox } from "@tasker/testing";
import type { SandboxError } from "./types.js";

const sandbox = useSandbox();

const failure = async (body: string, onLog: (message: string) => void = () => {}) =>
  errorOf((await startTask(sandbox.current, source(`export default async function (input, tools) {${body}}`), null, (line) => onLog(line.message))).outcome);

/** Every string of the error is one PostgreSQL stores, within the bounds of @tasker/contracts. */
function expectStorable(error: SandboxError): void {
  for (const text of [String(error.code), error.name, error.message, error.stack ?? ""]) expect(stringProblem(text)).toBeUndefined();
  expect(String(error.code).length).toBeLessThanOrEqual(MAX_ERROR_CODE_CHARS);
  expect(error.name.length).toBeLessThanOrEqual(MAX_ERROR_NAME_CHARS);
  expect(error.message.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_CHARS);
  expect((error.stack ?? "").length).toBeLessThanOrEqual(MAX_ERROR_STACK_CHARS);
}

describe("the task's error is read once", () => {
  it("reads each property once, whatever a getter answers the next time", async () => {
    const reads: string[] = [];
    const error = await failure(
      `const e = new Error("unused");
      for (const key of ["name", "message", "stack", "code"]) {
        let first = true;
        Object.defineProperty(e, key, { get() { console.log(key); const answer = first ? key + "-first" : { not: "a string" }; first = false; return answer; } });
      }
      throw e;`,
      (key) => reads.push(key),
    );
    expect(error).toEqual({ code: "code-first", name: "name-first", message: "message-first", stack: "stack-first" });
    expect(reads.sort()).toEqual(["code", "message", "name", "stack"]);
  });

  it("survives throwing getters and a Proxy that throws on every access", async () => {
    const getters = await failure(`const e = new TypeError("kept"); Object.defineProperty(e, "code", { get() { throw new Error("no"); } }); throw e;`);
    expect(getters).toMatchObject({ code: "TASK_ERROR", name: "TypeError", message: "kept" });
    const proxy = await failure(`const trap = () => { throw new Error("trap"); };
      throw new Proxy({}, { get: trap, getPrototypeOf: trap, has: trap, ownKeys: trap, getOwnPropertyDescriptor: trap });`);
    expect(proxy).toMatchObject({ code: "TASK_ERROR", name: "Error", message: "[unprintable object]" });
  });

  it.each([
    ["42", "42"],
    ['"plain"', "plain"],
    ["null", "null"],
    ["undefined", "undefined"],
    ['Symbol("s")', "Symbol(s)"],
    ["{}", "{}"],
    ["{ reason: 1 }", '{"reason":1}'],
  ])("reports a thrown %s by its printed form", async (thrown, message) => {
    expect(await failure(`throw ${thrown};`)).toMatchObject({ code: "TASK_ERROR", name: "Error", message });
  });
});

describe("the task's error is bounded", () => {
  it("keeps a finite numeric code a number, treats any other non-string or empty code as no code, and an empty or non-string name as Error", async () => {
    expect(await failure(`const e = new RangeError("m"); e.code = ""; throw e;`)).toMatchObject({ code: "TASK_ERROR", name: "RangeError" });
    expect(await failure(`const e = new Error("m"); e.code = 42; e.name = ""; throw e;`)).toMatchObject({ code: 42, name: "Error" });
    expect(await failure(`const e = new Error("m"); e.code = NaN; throw e;`)).toMatchObject({ code: "TASK_ERROR" });
    expect(await failure(`const e = new Error("m"); e.code = Infinity; throw e;`)).toMatchObject({ code: "TASK_ERROR" });
    expect(await failure(`throw { name: 7, message: "m", code: { nested: 1 } };`)).toMatchObject({ code: "TASK_ERROR", name: "Error", message: "m" });
  });

  it("cuts a long name, and a long stack after its first lines with a line saying so", async () => {
    const error = await failure(`const e = new Error("m"); e.name = "N".repeat(1000); e.stack = "    at frame\\n".repeat(5000); throw e;`);
    expect(error.name).toBe("N".repeat(MAX_ERROR_NAME_CHARS));
    expect(error.stack!.startsWith("    at frame\n    at frame\n")).toBe(true);
    expect(error.stack).toMatch(/\n {4}… \(stack cut: 65000 characters, over the limit of 16384\)$/);
    expectStorable(error);
  });

  it("fails a message or code over its bound with ERROR_TOO_LARGE, quoting their beginning", async () => {
    const message = await failure(`throw new Error("a".repeat(${MAX_ERROR_MESSAGE_CHARS + 1}));`);
    expect(message).toEqual({ code: "ERROR_TOO_LARGE", name: "RangeError", message: `the task's error message is 65537 characters long, over the limit of 65536: ${"a".repeat(200)}…` });
    const code = await failure(`const e = new Error("m"); e.code = "C".repeat(300); throw e;`);
    expect(code).toMatchObject({ code: "ERROR_TOO_LARGE", name: "RangeError", message: expect.stringContaining("code is 300 characters long, over the limit of 256") });
  });

  it("sends only the bound of a huge thrown string across the bridge, and still knows its length", async () => {
    const error = await failure(`throw "\\u0000".repeat(10) + "x".repeat(2 * 1024 * 1024);`);
    expect(error).toMatchObject({ code: "ERROR_TOO_LARGE", message: expect.stringContaining(`is ${10 + 2 * 1024 * 1024} characters long`) });
    // The quoted beginning held \u0000: it is shown escaped, never raw.
    expect(error.message).toContain("\\u0000".repeat(10) + "x");
    expectStorable(error);
  });

  it.each([
    ["message", `throw new Error("a\\u0000b");`, "a\u0000b"],
    ["message", `throw "lone \\ud800 surrogate";`, "lone \ud800 surrogate"],
    ["name", `const e = new Error("m"); e.name = "Bad\\udc00"; throw e;`, "Bad\udc00"],
    ["code", `const e = new Error("m"); e.code = "X\\u0000"; throw e;`, "X\u0000"],
    ["stack", `const e = new Error("m"); e.stack = "at \\u0000"; throw e;`, "at \u0000"],
  ] as const)("keeps an error's %s holding a \\u0000 or an unpaired surrogate as it is (%s)", async (field, body, kept) => {
    expect((await failure(body))[field]).toBe(kept);
  });
});
