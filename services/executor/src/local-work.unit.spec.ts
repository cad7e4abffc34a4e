import { describe, expect, it } from "vitest";
import { LocalWork } from "./local-work.js";

const tick = () => new Promise((resolve) => setImmediate(resolve));
const ticks = async (n: number) => {
  for (let i = 0; i < n; i++) await tick();
};
const shareOf = (taskRunId: string) => ({ namespace: "default", taskRunId, costKey: "square@1" });

describe("work done once per instance", () => {
  it("does the work for the first copy, and lets later or concurrent copies find it done", async () => {
    const work = new LocalWork(4, () => undefined);
    let runs = 0;
    const job = async () => {
      runs++;
      await tick();
    };
    await Promise.all([work.run("a", "event-a", job), work.run("a", "event-a", job)]);
    await work.run("a", "event-a", job);
    expect(runs).toBe(1);
  });

  it("lets the next copy try again after a failure, and reports the failure to the copy that had it", async () => {
    const work = new LocalWork(4, () => undefined);
    let runs = 0;
    const flaky = async () => {
      if (++runs === 1) throw new Error("database went away");
    };
    await expect(work.run("b", "event-b", flaky)).rejects.toThrow("database went away");
    await work.run("b", "event-b", flaky);
    await work.run("b", "event-b", flaky);
    expect(runs).toBe(2);
  });

  it("runs offered work soon, within its limit, and leaves a failed offer to the bus's copy", async () => {
    const errors: unknown[] = [];
    const work = new LocalWork(1, (error) => errors.push(error), { maxQueued: 1 });
    let runs = 0;
    work.offer("c", "event-c", async () => {
      runs++;
      throw new Error("no");
    }, shareOf("r"));
    work.offer("d", "event-d", async () => void runs++, shareOf("r")); // too much waits: left to the bus
    await ticks(3);
    await work.drain();
    expect(runs).toBe(1);
    expect(errors).toHaveLength(1);
    await work.run("c", "event-c", async () => void runs++); // the bus's copy of the failed one does it
    await work.run("d", "event-d", async () => void runs++);
    expect(runs).toBe(3);
  });

  it("interleaves offered work across runs, starting at most perRun of one run, and lets the bus's copy do what still waits", async () => {
    const work = new LocalWork(4, () => undefined, { perRun: 2 });
    const started: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const job = (name: string) => async () => {
      started.push(name);
      await held;
    };
    for (let n = 0; n < 10; n++) work.offer(`a${n}`, `event-a${n}`, job(`a${n}`), shareOf("fan-out"));
    work.offer("b0", "event-b0", job("b0"), shareOf("echo"));
    await ticks(3);
    expect(started).toEqual(["a0", "b0", "a1"]); // the echo goes second, though offered eleventh
    expect(work.depthByNamespace()).toEqual(new Map([["default", 8]]));

    let copies = 0;
    await work.run("a7", "event-a7", async () => void copies++); // the bus's copy of one still waiting does it now
    expect(copies).toBe(1);
    expect(work.depthByNamespace()).toEqual(new Map([["default", 7]]));
    release();
    await ticks(10);
    await work.drain();
    expect(started).toHaveLength(10); // a7 was done by its copy
    expect(started).not.toContain("a7");
  });

  it("tells, by event id, whose work was done here, or whether the work under way will have succeeded, for the copies from the bus", async () => {
    const work = new LocalWork(4, () => undefined);
    await work.run("e", "event-e", async () => undefined);
    await expect(work.run("f", "event-f", async () => Promise.reject(new Error("no")))).rejects.toThrow("no");
    let finish!: () => void;
    work.offer("g", "event-g", () => new Promise<void>((resolve) => (finish = resolve)), "urgent");
    work.offer("h", "event-h", async () => Promise.reject(new Error("no")), "urgent");
    work.noteHandled("event-i");
    const underWay = work.handled("event-g");
    expect(underWay).toBeInstanceOf(Promise);
    await ticks(2);
    finish();
    expect(await underWay).toBe(true);
    const outcomes = await Promise.all(["e", "f", "g", "h", "i", "unknown"].map(async (name) => [name, await work.handled(`event-${name}`)]));
    expect(Object.fromEntries(outcomes)).toEqual({ e: true, f: false, g: true, h: false, i: true, unknown: false });
  });
});
