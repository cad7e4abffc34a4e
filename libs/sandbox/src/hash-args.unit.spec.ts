import { describe, expect, it } from "vitest";
import { canonicalJson, hashArgs } from "./hash-args.js";

describe("hashArgs", () => {
  it("hashes equal JSON values equally, whatever the key order", () => {
    expect(hashArgs([{ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } }])).toBe(hashArgs([{ a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 }]));
    expect(canonicalJson([{ b: 1, a: 2 }])).toBe('[{"a":2,"b":1}]');
  });

  it("tells different values apart, including array order", () => {
    expect(hashArgs([1, 2])).not.toBe(hashArgs([2, 1]));
    expect(hashArgs([{ a: 1 }])).not.toBe(hashArgs([{ a: "1" }]));
    expect(hashArgs([])).toMatch(/^[0-9a-f]{64}$/);
  });

  it("counts a __proto__ key as a member like any other", () => {
    const withProto: unknown = JSON.parse('{"__proto__":{"x":1},"a":2}');
    expect(canonicalJson([withProto])).toBe('[{"__proto__":{"x":1},"a":2}]');
    expect(hashArgs([withProto])).not.toBe(hashArgs([{ a: 2 }]));
  });
});
