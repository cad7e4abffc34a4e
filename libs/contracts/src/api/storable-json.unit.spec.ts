import { describe, expect, it } from "vitest";
import { findUnstorableJson, MAX_JSON_DEPTH, StorableJson, storableText } from "./storable-json.js";

const nested = (depth: number): unknown => JSON.parse("[".repeat(depth) + "]".repeat(depth));

describe("findUnstorableJson", () => {
  it("accepts any JSON value within the depth, strings with \\u0000 or an unpaired surrogate included", () => {
    expect(findUnstorableJson({ a: [1, "two", null, true, { b: "ünïcode 🎉" }] })).toBeUndefined();
    expect(findUnstorableJson(nested(MAX_JSON_DEPTH))).toBeUndefined();
    expect(findUnstorableJson({ a: [0, "x\u0000"], text: "\ud800", "k\u0000": "x\udc00y" })).toBeUndefined();
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
    const result = StorableJson.safeParse({ deep: { s: Number.POSITIVE_INFINITY } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["deep", "s"]);
  });
});

describe("storableText", () => {
  it("writes \\u0000 as its escape, replaces each unpaired surrogate with one U+FFFD, and keeps pairs", () => {
    expect(storableText("a\u0000b\ud800c\udc00d😀\udbff\udfff")).toBe("a\\u0000b\uFFFDc\uFFFDd😀\udbff\udfff");
  });
});
