import { describe, expect, it } from "vitest";
import { createTaskCompiler } from "./task-compiler.js";

describe("createTaskCompiler", () => {
  it("compiles an ES module as written and CommonJS in its wrapper, naming the line of a problem", async () => {
    const compiler = await createTaskCompiler();
    expect(compiler.compile("export default async function () { return 1; }", "esm")).toBeUndefined();
    expect(compiler.compile("if (!globalThis.x) return;\nmodule.exports = async function () { return 1; };", "cjs")).toBeUndefined();
    expect(compiler.compile("export default async function () {\n  return 1 +;\n}", "esm")).toEqual({ line: 2, message: "unexpected token in expression: ';'" });
    expect(compiler.compile("module.exports = 1;\n\nlet let = 2;", "cjs")).toEqual({ line: 3, message: "'let' is not a valid lexical identifier" });
  });

  it("takes only a thrown error as a verdict: QuickJS's compile-only path reports nothing thrown for some modules that compile", async () => {
    const compiler = await createTaskCompiler();
    expect(compiler.compile("export default async (input) => input", "identity")).toBeUndefined();
  });

  it("runs nothing: code that would throw or loop at once compiles", async () => {
    const compiler = await createTaskCompiler();
    expect(compiler.compile("for (;;) {}\nexport default 1;", "loop")).toBeUndefined();
    expect(compiler.compile("throw new Error('x');", "throws")).toBeUndefined();
  });

  it("reports code nested past the host's stack, and is spent afterwards", async () => {
    const compiler = await createTaskCompiler();
    const problem = compiler.compile(`export const deep = ${"[".repeat(20_000)}${"]".repeat(20_000)};`, "deep");
    expect(problem).toEqual({ line: 1, message: "the code is nested too deeply to compile" });
    expect(compiler.spent).toBe(true);
    expect(() => compiler.compile("export default 1;", "next")).toThrow(/unknown state/);
  });
});
