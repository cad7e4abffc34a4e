import { describe, expect, it } from "vitest";
import { toSandboxError } from "./vm-error.js";

describe("toSandboxError", () => {
  it("trusts no field of the record", () => {
    expect(toSandboxError({ name: 1, message: {}, code: [], stack: 2, lengths: "x" })).toEqual({ code: "TASK_ERROR", name: "Error", message: "" });
  });

  it("trusts no part of the record either: malformed pairs and counts are left out, a cause deeper than the bound is dropped", () => {
    const parts = { details: [["ok", "1"], ["bad", "{"], [1, "2"], "x", ["__proto__", '{"a":1}']], detailsDropped: "many", errorsDropped: -1, causeDropped: "why not" };
    expect(toSandboxError({ message: "m", ...parts })).toEqual({
      code: "TASK_ERROR",
      name: "Error",
      message: "m",
      details: JSON.parse('{"ok":1,"__proto__":{"a":1},"…":"1 of its properties dropped: not JSON, not storable, or over the limit of 65536 bytes of JSON"}'),
    });
    let record: Record<string, unknown> = { message: "deepest" };
    for (let i = 0; i < 20; i++) record = { message: `level ${19 - i}`, cause: record };
    let depth = 0;
    for (let error = toSandboxError(record); error.cause; error = error.cause) depth++;
    expect(depth).toBe(8);
  });

  it("keeps an error's own code (a string, or a finite number), else maps engine errors, else TASK_ERROR", () => {
    expect(toSandboxError({ name: "Error", message: "m", code: "QUOTA" })).toMatchObject({ code: "QUOTA" });
    expect(toSandboxError({ name: "Error", message: "m", code: 503 })).toMatchObject({ code: 503 });
    expect(toSandboxError({ name: "InternalError", message: "stack overflow", code: "" })).toMatchObject({ code: "STACK_LIMIT" });
    expect(toSandboxError({ name: "SyntaxError", message: "m" })).toMatchObject({ code: "SYNTAX_ERROR" });
    expect(toSandboxError({ name: "SyntaxError", message: "stack overflow" })).toMatchObject({ code: "STACK_LIMIT" });
    expect(toSandboxError({ name: "TypeError", message: "m" })).toMatchObject({ code: "TASK_ERROR" });
  });

  it("judges a field the prelude cut by the true length it reported", () => {
    const cut = toSandboxError({ name: "Error", message: "m".repeat(65_536), lengths: { message: 1_000_000 } });
    expect(cut).toMatchObject({ code: "ERROR_TOO_LARGE", message: expect.stringContaining("is 1000000 characters long, over the limit of 65536") });
    const stack = toSandboxError({ name: "Error", message: "m", stack: "    at f\n".repeat(1820), lengths: { stack: 50_000 } });
    expect(stack.stack!.length).toBeLessThanOrEqual(16_384);
    expect(stack.stack!.endsWith("\n    … (stack cut: 50000 characters, over the limit of 16384)")).toBe(true);
  });
});
