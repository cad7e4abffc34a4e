import { describe, expect, it } from "vitest";
import { LocalWork } from "./local-work.js";

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("work done once per instance", () => {
  it("does the work for the first copy, and lets later or concurrent copies find it done", async () => {
    const work = new LocalWork(4, () => undefined);
    let runs = 0;
    const job = async () => {
      runs++;
      await tick();
    };
    await Promise.all([work.run("a", job), work.run("a", job)]);
    await work.run("a", job);
    expect(runs).toBe(1);
  });

  it("lets the next copy try again after a failure, and reports the failure to the copy that had it", async () => {
    const work = new LocalWork(4, () => undefined);
    let runs = 0;
    const flaky = async () => {
      if (++runs === 1) throw new Error("database went away");
    };
    await expect(work.run("b", flaky)).rejects.toThrow("database went away");
    await work.run("b", flaky);
    await work.run("b", flaky);
    expect(runs).toBe(2);
  });

  it("runs offered work soon, within its limit, and leaves a failed offer to the bus's copy", async () => {
    const errors: unknown[] = [];
    const work = new LocalWork(1, (error) => errors.push(error));
    let runs = 0;
    work.offer("c", async () => {
      runs++;
      throw new Error("no");
    });
    work.offer("d", async () => void runs++); // over the limit: left to the bus
    await work.drain();
    expect(runs).toBe(1);
    expect(errors).toHaveLength(1);
    await work.run("c", async () => void runs++); // the bus's copy of the failed one does it
    await work.run("d", async () => void runs++);
    expect(runs).toBe(3);
  });
});
