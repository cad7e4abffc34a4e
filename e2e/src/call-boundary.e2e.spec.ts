import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TaskerSystem } from "@tasker/testing";

describe.each([
  ["on", {}],
  ["off", { TASKER_VM_CACHE_SIZE: "0" }],
])("what a task meets at its boundary, VM cache %s", (_cache, settings: Record<string, string>) => {
  let tasker: TaskerSystem;

  beforeAll(async () => {
    tasker = await TaskerSystem.start(settings);
    await tasker.publishExamples("echo");
    await tasker.publish(
      "unknown-service",
      `export default async function (input, tools) {
         await tools.tasks.execute("echo", { before: true });
         try {
           await tools.nope.read("t");
         } catch (error) {
           return { name: error.name, code: error.code, message: error.message, typeofTool: typeof tools.nope };
         }
       }`,
    );
    await tasker.publish("uncaught-unknown-service", `export default async (input, tools) => tools.nope.x(1)`);
    await tasker.publish(
      "awkward-logs",
      `export default async function (input, tools) {
         console.log("a\\u0000b", "c\\ud800d");
         await tools.tasks.execute("echo", {});
         tools.log("warn", "\\udc00 after \\u0000 and more");
         return "logged";
       }`,
    );
    await tasker.publish("deep-json", `export default async (input) => JSON.parse("[".repeat(input.depth))`);
    await tasker.publish(
      "recursion",
      `export default async function (input, tools) {
         await tools.tasks.execute("echo", {});
         let depth = 0;
         function down() { depth++; down(); }
         try { down(); } catch (error) { return { depth, name: error.name, message: error.message }; }
       }`,
    );
    await tasker.publish("too-large", `export default async () => "x".repeat(1024 * 1024 + 1)`);
    await tasker.publish("identity", `export default async (input) => input`);
    await tasker.publish(
      "look-at-services",
      `export default async function (input, tools) {
         console.log(tools.gapi, tools.openai.chat.completions.create);
         let refused;
         try { await tools.tasks.execute("echo", { g: tools.keystore }); } catch (error) { refused = error.code; }
         return { printed: String(tools.websearch.search) + " " + tools.gapi, json: JSON.stringify({ g: tools.gapi, k: tools.keystore.get }), refused, awaited: typeof (await tools.gapi) };
       }`,
    );
    await tasker.publish(
      "forward",
      `export default async function (input, tools) {
         const same = await tools.tasks.execute("identity", input);
         try {
           await tools.tasks.execute("identity", [input]);
         } catch (error) {
           return { same: JSON.stringify(same) === JSON.stringify(input), deeper: error.code };
         }
       }`,
    );
  });

  afterAll(async () => {
    await tasker?.stop();
  });

  it("refuses a call to a service Tasker does not have with UNKNOWN_SERVICE, which the task can catch", async () => {
    const run = await tasker.run("unknown-service", {});
    expect(run.status).toBe("completed");
    expect(run.result).toEqual({ name: "Error", code: "UNKNOWN_SERVICE", message: expect.stringContaining('no service "nope"'), typeofTool: "function" });
    const failed = await tasker.run("uncaught-unknown-service", {});
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatchObject({ code: "UNKNOWN_SERVICE" });
  });

  it("keeps what follows a NUL in a log line, written as \\u0000, and writes a lone surrogate as one U+FFFD", async () => {
    const run = await tasker.run("awkward-logs", {});
    expect(run.status).toBe("completed");
    expect(run.logs.map((line) => [line.level, line.message])).toEqual([
      ["info", "a\\u0000b c\uFFFDd"],
      ["warn", "\uFFFD after \\u0000 and more"],
    ]);
  });

  it("fails a JSON.parse nested too deeply with STACK_LIMIT, not SYNTAX_ERROR", async () => {
    const run = await tasker.run("deep-json", { depth: 100_000 });
    expect(run.status).toBe("failed");
    expect(run.error).toMatchObject({ code: "STACK_LIMIT" });
  });

  it("gives a task the recursion depth the README documents, then a catchable stack overflow", async () => {
    const run = await tasker.run("recursion", {});
    expect(run.result).toMatchObject({ name: "InternalError", message: "stack overflow" });
    const { depth } = run.result as { depth: number };
    expect(depth).toBeGreaterThanOrEqual(300);
    expect(depth).toBeLessThan(450);
  });

  it("looks at, prints and stringifies a service object without making a call", async () => {
    const run = await tasker.run("look-at-services", {});
    expect(run.result).toEqual({ printed: "[tools.websearch.search] [tools.gapi]", json: "{}", refused: "INVALID_ARGUMENT", awaited: "function" });
    expect(run.logs.map((line) => line.message)).toEqual(["[tools.gapi] [tools.openai.chat.completions.create]"]);
    const calls = (await tasker.events(`run:${run.taskRunId}`)).filter((event) => event.type === "stack.created");
    expect(calls).toHaveLength(1);
  });

  it("passes a value nested as deep as the API accepts on to a child, and refuses one level more at the call", async () => {
    let deepest: unknown = 1;
    for (let level = 0; level < 64; level++) deepest = [deepest];
    const run = await tasker.run("forward", deepest);
    expect(run.result).toEqual({ same: true, deeper: "STACK_LIMIT" });
  });

  it("says a result over the limit exceeds it", async () => {
    const run = await tasker.run("too-large", {});
    expect(run.error).toMatchObject({ code: "RESULT_TOO_LARGE", message: "the JSON of the task's result exceeds 1048576 bytes" });
  });
});
