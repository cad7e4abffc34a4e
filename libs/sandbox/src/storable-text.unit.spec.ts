import { stringProblem } from "@tasker/contracts";
import { describe, expect, it } from "vitest";
import { cutChars, describePath } from "./storable-text.js";

describe("cutChars", () => {
  it("keeps at most max characters, never half a surrogate pair", () => {
    expect(cutChars("abc", 5)).toBe("abc");
    expect(cutChars("abcdef", 3)).toBe("abc");
    expect(cutChars("ab😀", 3)).toBe("ab");
    expect(stringProblem(cutChars("😀".repeat(10), 7))).toBeUndefined();
  });
});

describe("describePath", () => {
  it("shows indexes, identifiers and quoted keys", () => {
    expect(describePath("args", [0, "user", "first name", 2])).toBe(`args[0].user["first name"][2]`);
    expect(describePath("result", [])).toBe("result");
  });

  it("quotes keys that cannot be stored and cuts long ones, so that the text is storable and short", () => {
    const path = describePath("result", ["k\u0000", "\ud800", "x".repeat(1000)]);
    expect(stringProblem(path)).toBeUndefined();
    expect(path).toBe(`result["k\\u0000"]["\\ud800"]["${"x".repeat(40)}"…]`);
  });

  it("elides the middle of a long path", () => {
    expect(describePath("v", Array.from({ length: 64 }, () => 0))).toBe(`v${"[0]".repeat(11)}…(52 more)…[0]`);
  });
});
