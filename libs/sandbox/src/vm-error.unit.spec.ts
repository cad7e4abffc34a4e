import { describe, expect, it } from "vitest";
import { toSandboxError } from "./vm-error.js";

describe("toSandboxError", () => {
  it("trusts no field of the record", () => {
    expect(toSandboxError({ name: 1, message: {}, code: [], stack: 2, lengths: "x" })).toEqual({ code: "TASK_ERROR", name: "Error", message: "" });
  });

  it("keeps an error's own code, else maps engine errors, else TASK_ERROR", () => {
    expect(toSandboxError({ name: "Error", message: "m", code: "QUOTA" })).toMatchObject({ code: "QUOTA" });
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
