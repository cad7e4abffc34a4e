import { ErrorInfo, jsonBytes, MAX_ERROR_CAUSE_DEPTH, MAX_ERROR_DETAILS_BYTES } from "@tasker/contracts";
import { describe, expect, it } from "vitest";
import { errorOf, runLive, source, startTask, useSandbox } from "@tasker/testing";
import type { SandboxError } from "./types.js";

const sandbox = useSandbox();

const failure = async (body: string) =>
  errorOf((await startTask(sandbox.current, source(`export default async function (input, tools) {${body}}`))).outcome);

/** Every error a task fails with fits an event: the contracts' schema takes it as it is. */
function expectRecordable(error: SandboxError): void {
  const parsed = ErrorInfo.safeParse(error);
  expect(parsed.error?.issues).toBeUndefined();
}

function depthOf(error: SandboxError): number {
  let depth = 0;
  for (let cause = error.cause; cause !== undefined; cause = cause.cause) depth++;
  return depth;
}

/** A parent whose one call fails with `error`: what it answers is the result of `body` run on the caught error `e`. */
async function caught(error: ErrorInfo, body: string) {
  const run = await runLive(
    sandbox.current,
    source(`export default async function (input, tools) { try { await tools.tasks.execute("child", {}); } catch (e) { ${body} } }`),
    (call) => ({ seq: call.seq, ok: false, error }),
  );
  return run.outcome;
}

describe("the error a task fails with keeps its shape", () => {
  it("keeps the cause, the own JSON-able properties and a numeric code, each level the same shape", async () => {
    const error = await failure(`function thrower() {
        const inner = Object.assign(new TypeError("inner"), { code: "E_INNER", status: 400 });
        throw Object.assign(new Error("outer", { cause: inner }), { code: 503, status: 503, details: { retry: true }, skipped() {}, [Symbol("s")]: 1 });
      }
      thrower();`);
    expect(error).toEqual({
      code: 503,
      name: "Error",
      message: "outer",
      stack: expect.stringMatching(/^ {4}at thrower \(task:3:\d+\)\n/),
      cause: { code: "E_INNER", name: "TypeError", message: "inner", stack: expect.stringMatching(/^ {4}at thrower \(task:2:\d+\)\n/), details: { status: 400 } },
      details: { status: 503, retry: true },
    });
    expectRecordable(error);
  });

  it("keeps an own property over the same member of an own details object", async () => {
    expect(await failure(`throw Object.assign(new Error("m"), { status: 1, details: { status: 2, retry: true } });`)).toMatchObject({ details: { status: 1, retry: true } });
    expect(await failure(`throw Object.assign(new Error("m"), { details: [1, 2] });`)).toMatchObject({ details: { details: [1, 2] } });
  });

  it("puts each error of an AggregateError in details.errors, in the same shape", async () => {
    const error = await failure(`throw new AggregateError([Object.assign(new Error("a"), { code: "E_A" }), "b"], "both failed");`);
    expect(error).toMatchObject({
      name: "AggregateError",
      message: "both failed",
      details: { errors: [{ code: "E_A", name: "Error", message: "a", stack: expect.any(String) }, { code: "TASK_ERROR", name: "Error", message: "b" }] },
    });
    expectRecordable(error);
  });

  it.each([
    ['"x"', { code: "TASK_ERROR", name: "Error", message: "x" }],
    ['{ code: "E1", extra: 1 }', { code: "E1", name: "Error", message: '{"code":"E1","extra":1}' }],
    ["42", { code: "TASK_ERROR", name: "Error", message: "42" }],
    ["null", { code: "TASK_ERROR", name: "Error", message: "null" }],
    ["undefined", { code: "TASK_ERROR", name: "Error", message: "undefined" }],
  ])("reports a thrown non-Error %s as before: no cause, no details", async (thrown, expected) => {
    expect(await failure(`throw ${thrown};`)).toEqual(expected);
  });
});

describe("a hostile error stays bounded", () => {
  it("reads a cause or property whose getter throws as absent", async () => {
    const error = await failure(`const e = new Error("m");
      Object.defineProperty(e, "cause", { get() { throw new Error("no cause"); } });
      Object.defineProperty(e, "details", { enumerable: true, get() { throw new Error("no details"); } });
      Object.defineProperty(e, "status", { enumerable: true, get() { throw new Error("no status"); } });
      e.kept = 1;
      throw e;`);
    expect(error).toEqual({ code: "TASK_ERROR", name: "Error", message: "m", stack: expect.any(String), details: { kept: 1 } });
  });

  it("reads the error the same when the task replaced the intrinsics it could use", async () => {
    const error = await failure(`const broken = () => { throw new Error("replaced"); };
      Array.prototype.push = broken; Array.prototype.pop = broken; Array.prototype.includes = broken;
      Object.keys = broken; Number.isFinite = broken; JSON.stringify = broken; String.prototype.indexOf = broken;
      throw new AggregateError([new Error("a")], "m", { cause: Object.assign(new Error("c"), { code: 7 }) });`);
    expect(error).toMatchObject({ name: "AggregateError", cause: { message: "c", code: 7 }, details: { errors: [{ message: "a" }] } });
  });

  it("reads a cause that is a Proxy throwing on every access as an unprintable error", async () => {
    const error = await failure(`const trap = () => { throw new Error("trap"); };
      const cause = new Proxy({}, { get: trap, getPrototypeOf: trap, has: trap, ownKeys: trap, getOwnPropertyDescriptor: trap });
      throw new Error("m", { cause });`);
    expect(error.cause).toEqual({ code: "TASK_ERROR", name: "Error", message: "[unprintable object]" });
  });

  it("drops a property that is not JSON, and says how many went", async () => {
    const error = await failure(`const e = Object.assign(new Error("m"), { big: 10n, kept: "yes" }); e.self = e; throw e;`);
    expect(error.details).toEqual({ kept: "yes", "…": "2 of its properties dropped: not JSON, not storable, or over the limit of 65536 bytes of JSON" });
  });

  it("stops a cause cycle where it loops back, saying so", async () => {
    const error = await failure(`const a = new Error("a"); const b = new Error("b", { cause: a }); a.cause = b; throw a;`);
    expect(error.cause).toMatchObject({ message: "b", details: { "…": "its cause dropped: an error already in its chain of causes" } });
    expect(error.cause!.cause).toBeUndefined();
    expectRecordable(error);
  });

  it(`keeps ${MAX_ERROR_CAUSE_DEPTH} levels of a 10,000-deep chain of causes, saying the rest were dropped`, async () => {
    const error = await failure(`let e = new Error("level 10000"); for (let i = 9999; i >= 0; i--) e = new Error("level " + i, { cause: e }); throw e;`);
    expect(depthOf(error)).toBe(MAX_ERROR_CAUSE_DEPTH);
    let deepest = error;
    while (deepest.cause) deepest = deepest.cause;
    expect(deepest).toMatchObject({ message: `level ${MAX_ERROR_CAUSE_DEPTH}`, details: { "…": `its cause dropped: over the limit of ${MAX_ERROR_CAUSE_DEPTH} levels of cause` } });
    expectRecordable(error);
  });

  it("keeps the properties of a huge details object that fit its bound, in order", async () => {
    const error = await failure(`const e = new Error("m");
      e.huge = "x".repeat(10 * 1024 * 1024);
      for (let i = 0; i < 100000; i++) e["p" + i] = i;
      throw e;`);
    const details = error.details!;
    expect(jsonBytes(details)).toBeLessThanOrEqual(MAX_ERROR_DETAILS_BYTES);
    expect(details).not.toHaveProperty("huge");
    expect(details["p0"]).toBe(0);
    expect(details["…"]).toMatch(/^\d+ of its properties dropped: not JSON, not storable, or over the limit of 65536 bytes of JSON$/);
    expectRecordable(error);
  });

  it("keeps the errors of a huge AggregateError that fit the bound of details", async () => {
    const error = await failure(`throw new AggregateError(Array.from({ length: 10000 }, (_, i) => new RangeError("e" + i)), "many");`);
    const errors = error.details!["errors"] as unknown[];
    expect(errors.length).toBeGreaterThan(10);
    expect(errors.length).toBeLessThan(10000);
    expect(error.details!["…"]).toMatch(/^\d+ of its errors dropped/);
    expectRecordable(error);
  });

  it("stops an AggregateError that holds itself, or the same errors over and over at every level", async () => {
    const self = await failure(`const a = new AggregateError([], "self"); for (let i = 0; i < 1000; i++) a.errors.push(a); throw a;`);
    expect(self.details).toEqual({ errors: [], "…": "1000 of its errors dropped: over the limit of 65536 bytes of JSON or of 8 levels of nesting" });
    const shared = await failure(`let level = new Error("leaf"); for (let d = 1; d <= 12; d++) level = new AggregateError(Array(500).fill(level), "level " + d); throw level;`);
    expect(jsonBytes(shared.details)).toBeLessThanOrEqual(MAX_ERROR_DETAILS_BYTES);
    expectRecordable(shared);
  });

  it("keeps a NUL or an unpaired surrogate in a property or a cause as written, like the error's own", async () => {
    const error = await failure(`throw Object.assign(new Error("m", { cause: new Error("a\\u0000b") }), { odd: "\\ud800", good: 1 });`);
    expect(error.details).toEqual({ odd: "\ud800", good: 1 });
    expect(error.cause).toMatchObject({ code: "TASK_ERROR", message: "a\u0000b" });
    expectRecordable(error);
  });
});

describe("the error a parent catches is the child's", () => {
  const childError: ErrorInfo = {
    code: 503,
    name: "HttpError",
    message: "unavailable",
    stack: "    at thrower (child-task:14:49)\n",
    cause: { code: "E_INNER", name: "TypeError", message: "inner", details: { status: 400 } },
    details: { status: 503, retry: true },
  };

  it("is an Error with the child's name, message, code (its type kept), details and cause, its stack the child's then the call site's", async () => {
    const outcome = await caught(
      childError,
      `return { isError: e instanceof Error, name: e.name, message: e.message, code: e.code, details: e.details, stack: e.stack,
        cause: { isError: e.cause instanceof Error, name: e.cause.name, message: e.cause.message, code: e.cause.code, details: e.cause.details } };`,
    );
    expect(outcome).toEqual({
      kind: "completed",
      calls: [],
      result: {
        isError: true,
        name: "HttpError",
        message: "unavailable",
        code: 503,
        details: { status: 503, retry: true },
        stack: expect.stringMatching(/^ {4}at thrower \(child-task:14:49\)\n {4}at (default|<anonymous>) \(task:1:\d+\)\n$/),
        cause: { isError: true, name: "TypeError", message: "inner", code: "E_INNER", details: { status: 400 } },
      },
    });
  });

  it("fails its parent with the same error when rethrown: same details, same cause, the stack chained once more", async () => {
    const outcome = await caught(childError, "throw e;");
    const error = errorOf(outcome);
    expect(error).toEqual({ ...childError, stack: expect.stringMatching(/^ {4}at thrower \(child-task:14:49\)\n {4}at .*\(task:1:\d+\)\n$/) });
  });

  it("reads an error recorded without a name as an Error", async () => {
    const outcome = await caught({ code: "OLD", message: "recorded before names" }, "return { name: e.name, code: e.code, message: e.message };");
    expect(outcome).toEqual({ kind: "completed", result: { name: "Error", code: "OLD", message: "recorded before names" }, calls: [] });
  });
});
