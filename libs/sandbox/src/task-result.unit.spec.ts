import { expect, it } from "vitest";
import { errorOf, resultOf, source, startTask, useSandbox } from "@tasker/testing";

const sandbox = useSandbox();

const outcomeOf = async (body: string) => (await startTask(sandbox.current, source(`export default async function (input, tools) {${body}}`))).outcome;
const nested = (levels: number) => `let v = 0; for (let i = 0; i < ${levels}; i++) v = [v];`;

it("completes with a result nested 64 levels deep, and fails one nested 65 deep with STACK_LIMIT", async () => {
  expect(JSON.stringify(resultOf(await outcomeOf(`${nested(64)} return v;`)))).toBe("[".repeat(64) + "0" + "]".repeat(64));
  const error = errorOf(await outcomeOf(`${nested(65)} return v;`));
  expect(error).toEqual({ code: "STACK_LIMIT", name: "RangeError", message: expect.stringMatching(/^the task's result nests deeper than 64 levels at result\[0\]\[0\]/) });
});

it("fails a result nested thousands of levels deep with STACK_LIMIT", async () => {
  for (const levels of [3000, 100_000]) expect(errorOf(await outcomeOf(`${nested(levels)} return v;`))).toMatchObject({ code: "STACK_LIMIT" });
});

it("completes with a result holding a \\u0000 or an unpaired surrogate, in a value or a key, as it is", async () => {
  const result = resultOf(await outcomeOf(`return { rows: [{ name: "a\\u0000b" }], ["k\\u0000"]: "\\ud800", lone: "x\\udc00y" };`));
  expect(JSON.stringify(result)).toBe(`{"rows":[{"name":"a\\u0000b"}],"k\\u0000":"\\ud800","lone":"x\\udc00y"}`);
});

it("keeps well-formed text, surrogate pairs included", async () => {
  expect(resultOf(await outcomeOf(`return { "😀": "é😀\\ufffd" };`))).toEqual({ "😀": "é😀\ufffd" });
});
