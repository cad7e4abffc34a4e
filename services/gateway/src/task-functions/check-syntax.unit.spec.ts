import { describe, expect, it } from "vitest";
import { checkSyntax } from "./check-syntax.js";

describe("checkSyntax", () => {
  it("accepts ES modules and CommonJS (top-level return included), handing over block comments", () => {
    expect(checkSyntax("/** @task */\nexport default async function (input) { return input; }")).toEqual({ blockComments: ["* @task "] });
    expect(checkSyntax("if (!globalThis.x) return;\nmodule.exports = async function () { with (Math) { return PI; } };")).toEqual({ blockComments: [] });
    expect(checkSyntax("const x = await Promise.resolve(1);\nexport { x };")).toHaveProperty("blockComments");
  });

  it("names the line of the error, as the parser that got further saw it", () => {
    expect(checkSyntax("export async function runTask() {\n  return 1 +;\n}")).toEqual({
      error: { line: 2, message: "Unexpected token", position: expect.any(Number) },
    });
    // Script syntax (`with`) first, a real error later: the script attempt gets further.
    expect(checkSyntax("with (Math) {}\n\nconst = 3;")).toMatchObject({ error: { line: 3 } });
    // Module syntax first, a real error later: the module attempt gets further.
    expect(checkSyntax("export const a = 1;\nlet let = 2;")).toMatchObject({ error: { line: 2 } });
  });
});
