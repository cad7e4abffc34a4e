import { describe, expect, it } from "vitest";
import { findUnstorableJson, MAX_JSON_DEPTH, StorableJson, storableText } from "./storable-json.js";

const nested = (depth: number): unknown => JSON.parse("[".repeat(depth) + "]".repeat(depth));

describe("findUnstorableJson", () => {
  it("accepts what jsonb stores", () => {
    expect(findUnstorableJson({ a: [1, "two", null, true, { b: "ünïcode 🎉" }] })).toBeUndefined();
    expect(findUnstorableJson(nested(MAX_JSON_DEPTH))).toBeUndefined();
  });

  it("names the path of a \\u0000, an unpaired surrogate, or a key with one", () => {
    expect(findUnstorableJson({ a: [0, "x\u0000"] })).toEqual({ path: ["a", 1], message: expect.stringContaining("\\u0000"), kind: "character" });
    expect(findUnstorableJson({ text: "\ud800" })).toEqual({ path: ["text"], message: expect.stringContaining("surrogate"), kind: "character" });
    expect(findUnstorableJson({ "k\u0000": 1 })?.path).toEqual(["k\u0000"]);
  });

  it("refuses nesting deeper than the limit without recursing", () => {
    expect(findUnstorableJson(nested(MAX_JSON_DEPTH + 1))?.message).toContain(`${MAX_JSON_DEPTH}`);
    expect(findUnstorableJson(nested(100_000))?.path).toHaveLength(MAX_JSON_DEPTH);
  });

  it("refuses values JSON cannot carry", () => {
    expect(findUnstorableJson({ n: Number.NaN })?.path).toEqual(["n"]);
    expect(findUnstorableJson({ f: () => 1 })?.message).toContain("function");
  });
});

describe("StorableJson", () => {
  it("reports the problem as a zod issue at its path", () => {
    const result = StorableJson.safeParse({ deep: { s: "\u0000" } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["deep", "s"]);
  });
});

describe("storableText", () => {
  it("writes \\u0000 as its escape, replaces each unpaired surrogate with one U+FFFD, and keeps pairs", () => {
    expect(storableText("a\u0000b\ud800c\udc00d😀\udbff\udfff")).toBe("a\\u0000b\uFFFDc\uFFFDd😀\udbff\udfff");
  });
});
