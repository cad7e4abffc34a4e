import { TaskerSystem } from "@tasker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * A value reaches a task, a child and the user as it was written: its keys in their order, a
 * `__proto__` key as data, and strings with a `\u0000` or an unpaired surrogate unchanged. Parent and
 * child are separate tasks, so every value crosses the events, the bus and two sandboxes; with the
 * VM cache off, the parent's resume replays from the events too.
 */
const TASKS: Record<string, string> = {
  "order-child": `module.exports = async (input) => {
    const built = {}; built.zz = 1; built.yy = 2; built.b = 3; built.a = 4;
    return { keys: Object.keys(input), echo: input, built };
  };`,
  "order-parent": `module.exports = async (input, { tools }) => {
    const child = await tools.tasks.execute("order-child", input);
    return { keys: Object.keys(input), input, child };
  };`,
  "proto-child": `module.exports = async (input) => ({ keys: Object.keys(input), echo: input, made: JSON.parse('{"__proto__":{"y":2},"b":3}') });`,
  "proto-parent": `module.exports = async (input, { tools }) => {
    const child = await tools.tasks.execute("proto-child", input);
    return { keys: Object.keys(input), own: Object.prototype.hasOwnProperty.call(input, "__proto__"), input, child };
  };`,
  "odd-child": `module.exports = async (input) => ({ units: input.s.map((s) => Array.from(s, (c) => c.charCodeAt(0))), echo: input.s, made: ["\\u0000", "\\ud800z", "q\\udc00"] });`,
  "odd-thrower": `module.exports = async (input) => { throw new Error(input.s.join("|")); };`,
  "odd-parent": `module.exports = async (input, { tools }) => {
    const child = await tools.tasks.execute("odd-child", { s: input.s });
    let message;
    try { await tools.tasks.execute("odd-thrower", { s: input.s }); } catch (error) { message = error.message; }
    return { units: input.s.map((s) => Array.from(s, (c) => c.charCodeAt(0))), input, child, message };
  };`,
};

/** Code units of each string: what a comparison of the strings themselves might hide. */
const units = (strings: string[]): number[][] => strings.map((text) => Array.from({ length: text.length }, (_, i) => text.charCodeAt(i)));

describe.each([
  { cache: "on", size: "1000" },
  { cache: "off", size: "0" },
])("values as written, with the VM cache $cache", ({ size }) => {
  let tasker: TaskerSystem;

  beforeAll(async () => {
    tasker = await TaskerSystem.start({ TASKER_VM_CACHE_SIZE: size });
    for (const [name, code] of Object.entries(TASKS)) await tasker.publish(name, code);
  });

  afterAll(async () => {
    await tasker?.stop();
  });

  /** Submits a body given as JSON text (a `__proto__` key or a lone surrogate survives no object literal). */
  async function submitText(body: string): Promise<string> {
    const response = await fetch(`${tasker.url}/tasks`, { method: "POST", headers: { "content-type": "application/json" }, body });
    const answer = (await response.json()) as { taskRunId: string };
    expect(response.status).toBe(202);
    return answer.taskRunId;
  }

  /** The ended run's `GET /tasks/:id/result` body, as text. */
  async function resultText(taskRunId: string): Promise<string> {
    expect((await tasker.result(taskRunId, 60)).status).toBe("completed");
    return (await fetch(`${tasker.url}/tasks/${taskRunId}/result`)).text();
  }

  it("keeps the keys of the input, a child's arguments and result, and the API's result in their order", async () => {
    const input = `{"zeta":1,"alpha":2,"mm":3,"b":4}`;
    const body = await resultText(await submitText(`{"taskName":"order-parent","input":${input}}`));
    const keys = `["zeta","alpha","mm","b"]`;
    expect(body).toContain(`"input":${input}`);
    expect(body).toContain(`"result":{"keys":${keys},"input":${input},"child":{"keys":${keys},"echo":${input},"built":{"zz":1,"yy":2,"b":3,"a":4}}}`);
  });

  it("keeps a __proto__ key as data in the input, a child's arguments and result, and the API's result", async () => {
    const input = `{"__proto__":{"x":1},"a":2}`;
    const body = await resultText(await submitText(`{"taskName":"proto-parent","input":${input}}`));
    const keys = `["__proto__","a"]`;
    expect(body).toContain(`"input":${input}`);
    expect(body).toContain(`"result":{"keys":${keys},"own":true,"input":${input},"child":{"keys":${keys},"echo":${input},"made":{"__proto__":{"y":2},"b":3}}}`);
  });

  it("round-trips a \\u0000 and unpaired surrogates in the input, a child's arguments, result and error, and the API's result", async () => {
    const strings = ["a\u0000b", "\ud800", "x\udc00y"];
    const input = JSON.stringify({ s: strings });
    expect(input).toBe(`{"s":["a\\u0000b","\\ud800","x\\udc00y"]}`);
    const taskRunId = await submitText(`{"taskName":"odd-parent","input":${input}}`);
    const body = await resultText(taskRunId);
    const made = ["\u0000", "\ud800z", "q\udc00"];
    const expected = { units: units(strings), input: { s: strings }, child: { units: units(strings), echo: strings, made }, message: strings.join("|") };
    expect(body).toContain(`"input":${input}`);
    expect(body).toContain(`"result":${JSON.stringify(expected)}`);
    const { result } = JSON.parse(body) as { result: typeof expected };
    expect(units(result.child.made)).toEqual(units(made));
    expect(units([result.message])).toEqual(units([strings.join("|")]));
  });
});
