import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TaskerSystem } from "@tasker/testing";

// The child answers a call first, so that with the VM cache off its throw comes from a replay too.
const ERRANT = `function thrower(kind) {
  switch (kind) {
    case "shaped":
      throw Object.assign(new Error("outer", { cause: Object.assign(new TypeError("inner"), { code: "E_INNER", status: 400 }) }), { status: 503, details: { retry: true } });
    case "numeric":
      throw Object.assign(new Error("unavailable"), { code: 503 });
    case "aggregate":
      throw new AggregateError([Object.assign(new Error("a failed"), { code: "E_A" }), Object.assign(new RangeError("b failed"), { code: 2 })], "both failed");
    case "string": throw "x";
    case "object": throw { code: "E1", extra: 1 };
    case "number": throw 42;
    case "null": throw null;
    default: throw undefined;
  }
}
module.exports = async (input, { tools }) => {
  if (input.kind === "early") thrower("shaped");
  await tools.tasks.execute("echo", {});
  thrower(input.kind);
};`;

// What the parent sees of the error it caught.
const CATCHER = `function seen(e) {
  if (e === undefined) return null;
  return { isError: e instanceof Error, name: e.name, message: e.message, code: e.code, codeType: typeof e.code, details: e.details ?? null, stack: e.stack, cause: seen(e.cause) };
}
export async function runTask(input, tools) {
  try {
    await tools.tasks.execute("errant", input);
    return { caught: false };
  } catch (e) {
    return seen(e);
  }
}`;

const MIDDLE = `async function relay(input, tools) {
  return await tools.tasks.execute("errant", input);
}
export default async function (input, tools) {
  return relay(input, tools);
}`;

const TOP = `async function delegate(input, tools) {
  return await tools.tasks.execute("middle", input);
}
module.exports = async (input, { tools }) => delegate(input, tools);`;

type Seen = { isError: boolean; name: string; message: string; code: unknown; codeType: string; details: unknown; stack: string; cause: Seen | null };

/** The indexes in `text` of each of `parts`, in order; -1 for one not found. */
const positions = (text: string, parts: string[]) => parts.map((part) => text.indexOf(part));

describe.each([
  ["on", "1000"],
  ["off", "0"],
])("a child's error as its parent catches it, with the VM cache %s", (_, cacheSize) => {
  let tasker: TaskerSystem;

  beforeAll(async () => {
    tasker = await TaskerSystem.start({ TASKER_VM_CACHE_SIZE: cacheSize });
    await tasker.publishExamples("echo");
    await tasker.publish("errant", ERRANT);
    await tasker.publish("catcher", CATCHER);
    await tasker.publish("middle", MIDDLE);
    await tasker.publish("top", TOP);
  });

  afterAll(async () => {
    await tasker?.stop();
  });

  it("keeps its name, message, code, details, cause and stack: the child's frames, then the parent's", async () => {
    const run = await tasker.run("catcher", { kind: "shaped" });
    expect(run.status).toBe("completed");
    const seen = run.result as Seen;
    expect(seen).toMatchObject({
      isError: true,
      name: "Error",
      message: "outer",
      code: "TASK_ERROR",
      details: { status: 503, retry: true },
      cause: { isError: true, name: "TypeError", message: "inner", code: "E_INNER", details: { status: 400 }, cause: null },
    });
    const [child, parent] = positions(seen.stack, ["    at thrower (errant:4:", "    at runTask (catcher:7:"]);
    expect(child).toBe(0);
    expect(parent).toBeGreaterThan(child);
    expect(seen.stack).not.toContain("tasker:prelude");
  });

  it("shows none of the sandbox's own frames in a stack, even of an error thrown before the task's first await", async () => {
    const caught = await tasker.run("catcher", { kind: "early" });
    const seen = caught.result as Seen;
    expect(seen.stack).toMatch(/^ {4}at thrower \(errant:4:/);
    expect(seen.stack).not.toContain("tasker:prelude");
  });

  it("keeps a numeric code a number, in the parent and in the API", async () => {
    const caught = await tasker.run("catcher", { kind: "numeric" });
    expect(caught.result).toMatchObject({ code: 503, codeType: "number", message: "unavailable" });
    const uncaught = await tasker.run("middle", { kind: "numeric" });
    expect(uncaught.status).toBe("failed");
    expect(uncaught.error).toMatchObject({ code: 503, name: "Error", message: "unavailable" });
  });

  it("shows in the API the error of a grandchild nobody caught, its stack through the three tasks in order", async () => {
    const run = await tasker.run("top", { kind: "shaped" });
    expect(run.status).toBe("failed");
    expect(run.error).toMatchObject({
      code: "TASK_ERROR",
      name: "Error",
      message: "outer",
      details: { status: 503, retry: true },
      cause: { code: "E_INNER", name: "TypeError", message: "inner", details: { status: 400 } },
    });
    const [grandchild, child, parent] = positions(run.error!.stack!, ["    at thrower (errant:4:", "    at relay (middle:2:", "    at delegate (top:2:"]);
    expect(grandchild).toBe(0);
    expect(child).toBeGreaterThan(grandchild);
    expect(parent).toBeGreaterThan(child);
    expect(run.error!.stack).not.toContain("tasker:prelude");
  });

  it("gives the parent each error of an AggregateError in details.errors", async () => {
    const seen = (await tasker.run("catcher", { kind: "aggregate" })).result as Seen;
    expect(seen).toMatchObject({
      name: "AggregateError",
      message: "both failed",
      details: { errors: [{ name: "Error", message: "a failed", code: "E_A" }, { name: "RangeError", message: "b failed", code: 2 }] },
    });
  });

  it.each([
    ["string", "x", "TASK_ERROR"],
    ["object", '{"code":"E1","extra":1}', "E1"],
    ["number", "42", "TASK_ERROR"],
    ["null", "null", "TASK_ERROR"],
    ["undefined", "undefined", "TASK_ERROR"],
  ])("keeps a thrown %s as before: an Error with its printed form, no details, no cause", async (kind, message, code) => {
    const seen = (await tasker.run("catcher", { kind })).result as Seen;
    expect(seen).toMatchObject({ isError: true, name: "Error", message, code, details: null, cause: null });
  });
});
