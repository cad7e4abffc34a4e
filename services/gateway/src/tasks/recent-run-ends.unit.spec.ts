import { describe, expect, it } from "vitest";
import { RecentRunEnds } from "./recent-run-ends.js";

describe("the ends the gateway remembers", () => {
  it("knows the last 10,000 runs that ended, and forgets the oldest beyond", () => {
    const ends = new RecentRunEnds();
    for (let i = 0; i < 10_001; i++) ends.add(`run-${i}`);
    expect(ends.has("run-0")).toBe(false);
    expect(ends.has("run-1")).toBe(true);
    expect(ends.has("run-10000")).toBe(true);
    expect(ends.has("never-ended")).toBe(false);
  });

  it("counts an end announced twice once", () => {
    const ends = new RecentRunEnds();
    ends.add("a");
    ends.add("a");
    for (let i = 0; i < 9_999; i++) ends.add(`run-${i}`);
    expect(ends.has("a")).toBe(true);
  });
});
