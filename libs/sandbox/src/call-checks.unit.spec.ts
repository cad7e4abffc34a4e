import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { errorOf, resultOf, runLive, source, startTask } from "@tasker/testing";
import { createSandbox, type Sandbox } from "./sandbox.js";
import type { JournalActivation } from "./types.js";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await createSandbox({ argsBytes: 64 * 1024, argsBytesPerActivation: 100 * 1024 });
});
afterEach(() => {
  expect(sandbox.stats()).toMatchObject({ liveVms: 0, unfreedVms: 0 });
});
afterAll(() => sandbox.dispose());

/** What the call's rejection holds, or "made" when the call was accepted (its VM is then disposed). */
async function attempt(call: string): Promise<{ code: string; name: string; message: string } | "made"> {
  const code = source(`export default async function (input, tools) {
    return await (${call}).then(() => "made", (e) => ({ code: e.code, name: e.name, message: e.message }));
  }`);
  const { vm, outcome } = await startTask(sandbox, code);
  if (outcome.kind === "suspended") {
    vm.dispose();
    return "made";
  }
  return resultOf(outcome) as { code: string; name: string; message: string };
}

describe("a call's address", () => {
  it.each([
    ["an empty method part", `__callHostTool__("gapi", [""], [])`, "part 0 of the method path is empty"],
    ["a service that is not a service name", `__callHostTool__("G.API", ["x"], [])`, `the service name "G.API" is invalid`],
    ["a service holding \\u0000", `__callHostTool__("g\\u0000api", ["x"], [])`, `the service name "g\\u0000api" is invalid`],
    ["an empty service", `__callHostTool__("", ["x"], [])`, `the service name "" is invalid`],
    ["a service of 65 characters", `__callHostTool__("s".repeat(65), ["x"], [])`, "a service name has at most 64 characters"],
    ["17 method parts", `__callHostTool__("gapi", Array(17).fill("m"), [])`, "a method path has at most 16 parts"],
    ["a method part of 129 characters", `__callHostTool__("gapi", ["a", "m".repeat(129)], [])`, "part 1 of the method path is longer than 128 characters"],
    ["a huge method part", `tools.gapi["m".repeat(10 * 1024 * 1024)]()`, "part 0 of the method path is longer than 128 characters"],
    ["a method part with an unpaired surrogate", `tools.gapi["\\udc00"]()`, "part 0 of the method path contains an unpaired UTF-16 surrogate"],
  ])("rejects %s with INVALID_ARGUMENT, catchably", async (_what, call, message) => {
    expect(await attempt(call)).toEqual({ code: "INVALID_ARGUMENT", name: "TypeError", message: expect.stringContaining(message) });
  });

  it("accepts the longest service name and method path the contracts allow", async () => {
    expect(await attempt(`__callHostTool__("a" + "-1".repeat(31) + "z", Array(16).fill("m".repeat(128)), [])`)).toBe("made");
  });
});

describe("a call's arguments", () => {
  it("passes arguments holding a \\u0000 or an unpaired surrogate as they are, keys in their order", async () => {
    const { vm, outcome } = await startTask(sandbox, source(`export default async function (input, tools) {
      return tools.gapi.x({ zeta: "a\\u0000b", alpha: ["\\ud800", "x\\udc00y"] });
    }`));
    vm.dispose();
    expect(outcome.kind === "suspended" && outcome.calls.map((call) => JSON.stringify(call.args))).toEqual([`[{"zeta":"a\\u0000b","alpha":["\\ud800","x\\udc00y"]}]`]);
  });

  it("rejects an argument list whose toJSON makes it something else than a list of JSON values", async () => {
    for (const made of [`"not a list"`, `undefined`]) {
      const call = `(() => { const args = ["x"]; args.toJSON = () => ${made}; return __callHostTool__("gapi", ["x"], args); })()`;
      expect(await attempt(call)).toMatchObject({ code: "INVALID_ARGUMENT", name: "TypeError", message: expect.stringContaining("args must be an array") });
    }
  });

  it("rejects an argument nested deeper than 64 levels with STACK_LIMIT, catchably", async () => {
    for (const levels of [65, 3000]) {
      const rejected = await attempt(`(() => { let v = 0; for (let i = 0; i < ${levels}; i++) v = [v]; return tools.gapi.x(v); })()`);
      expect(rejected).toMatchObject({ code: "STACK_LIMIT", name: "RangeError", message: expect.stringContaining("nests deeper than 64 levels at args[0][0]") });
    }
    expect(await attempt(`(() => { let v = 0; for (let i = 0; i < 64; i++) v = [v]; return tools.gapi.x(v); })()`)).toBe("made");
  });

  it("bounds the arguments of all the calls of one activation with ARGS_TOO_LARGE, afresh in each", async () => {
    const code = source(`export default async function (input, tools) {
      const outcomes = [];
      for (let round = 0; round < 2; round++) {
        const calls = [0, 1, 2].map((i) => tools.gapi.upload("x".repeat(40 * 1024)).then(() => "made", (e) => e.code + " " + e.name));
        outcomes.push(await Promise.all(calls));
      }
      return outcomes;
    }`);
    const run = await runLive(sandbox, code);
    expect(resultOf(run.outcome)).toEqual([
      ["made", "made", "ARGS_TOO_LARGE RangeError"],
      ["made", "made", "ARGS_TOO_LARGE RangeError"],
    ]);
    expect(run.journal.map((activation) => activation.calls.map((call) => call.seq))).toEqual([[0, 1], [2, 3], []]);
  });

  it("gives a refused call no seq, so that replay refuses it again and stays deterministic", async () => {
    const code = source(`export default async function (input, tools) {
      const refused = [];
      const refuse = async (call) => refused.push(await call().then(() => "made", (e) => e.code));
      await refuse(() => __callHostTool__("Bad", ["x"], []));
      const first = await tools.keystore.get("a");
      await refuse(() => tools.gapi[""]());
      let deep = 0;
      for (let i = 0; i < 70; i++) deep = [deep];
      await refuse(() => tools.gapi.x(deep));
      return [refused, first, await tools.keystore.get("b")];
    }`);
    const live = await runLive(sandbox, code);
    expect(resultOf(live.outcome)).toEqual([["INVALID_ARGUMENT", "INVALID_ARGUMENT", "STACK_LIMIT"], expect.anything(), expect.anything()]);
    expect(live.journal.flatMap((activation: JournalActivation) => activation.calls.map((call) => [call.seq, call.method.join(".")]))).toEqual([
      [0, "get"],
      [1, "get"],
    ]);
    const replayed = await sandbox.replay({ stackRunId: "run-1/stack-1", taskName: "task", source: code, input: { n: 1 }, journal: live.journal, onLog: () => {} });
    expect(resultOf(replayed.outcome)).toEqual(resultOf(live.outcome));
  });

  it("still fails the run when the task does not catch the refusal", async () => {
    expect(errorOf((await startTask(sandbox, source(`export default async (i, tools) => tools.gapi[""]()`))).outcome)).toMatchObject({ code: "INVALID_ARGUMENT" });
  });
});
