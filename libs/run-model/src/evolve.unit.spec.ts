import { randomRunHistory, seededRandom } from "@tasker/testing";
import { describe, expect, it } from "vitest";
import { evolve, foldRun } from "./evolve.js";

describe("folding a run's events", () => {
  it("gives the same state in one fold, event by event, or from any state along the way, and changes none of them", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const random = seededRandom(seed);
      const { events } = randomRunHistory(random, 40);
      const cut = Math.floor(random() * events.length);
      const along = foldRun(events.slice(0, cut));
      const before = structuredClone(along);
      const whole = foldRun(events);
      expect(foldRun(events.slice(cut), along)).toEqual(whole);
      expect(events.reduce(evolve, foldRun([]))).toEqual(whole);
      expect(along).toEqual(before);
    }
  });

  it("changes nothing when the same events are folded again (delivery is at least once)", () => {
    const { events } = randomRunHistory(seededRandom(7), 40);
    const base = foldRun(events);
    const late = events.filter((event) => event.type === "log.appended" || event.type === "stack.completed");
    const many = Array.from({ length: 20 }, () => late).flat();
    expect(foldRun(many, base)).toEqual(foldRun(late, base));
  });
});
