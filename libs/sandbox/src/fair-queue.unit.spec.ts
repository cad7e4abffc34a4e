import { describe, expect, it } from "vitest";
import { FairQueue, type Share } from "./fair-queue.js";

/** A queue on a clock the test moves. */
function queueAt(options: ConstructorParameters<typeof FairQueue>[0] = {}) {
  const clock = { ms: 0 };
  const queue = new FairQueue<string>({ now: () => clock.ms, ...options });
  return { queue, clock };
}

const share = (taskRunId: string, costKey = "echo@1", namespace = "default"): Share => ({ namespace, taskRunId, costKey });

/** Takes every item, each running `costOf(item)` ms of a worker before the next is taken. */
function drain(queue: FairQueue<string>, clock: { ms: number }, shareOf: (item: string) => Share, costOf: (item: string) => number): string[] {
  const order: string[] = [];
  for (let item = queue.take(); item !== undefined; item = queue.take()) {
    order.push(item);
    clock.ms += costOf(item);
    queue.charge(shareOf(item), costOf(item));
  }
  return order;
}

describe("fair shares of the workers", () => {
  it("takes an echo pushed behind 40 activations of a task known to be slow within the first two takes", () => {
    const { queue, clock } = queueAt();
    queue.push("spin-0", share("spin-0", "spin@1"));
    expect(queue.take()).toBe("spin-0");
    clock.ms += 1000;
    queue.charge(share("spin-0", "spin@1"), 1000); // a for(;;){} stopped at its CPU limit
    for (let n = 1; n <= 40; n++) queue.push(`spin-${n}`, share(`spin-${n}`, "spin@1"));
    queue.push("echo", share("echo"));
    expect([queue.take(), queue.take()]).toContain("echo");
  });

  it("interleaves runs: of 999 items of one run and 1 of another pushed after them, the other is taken within the first two", () => {
    const { queue } = queueAt();
    for (let n = 0; n < 999; n++) queue.push(`fan-${n}`, share("fan-out", "square@1"));
    queue.push("echo", share("echo"));
    expect([queue.take(), queue.take()]).toContain("echo"); // nothing charged yet: taking counts too
  });

  it("keeps one run's items in the order they came", () => {
    const { queue, clock } = queueAt();
    for (let n = 0; n < 5; n++) queue.push(`a${n}`, share("a"));
    expect(drain(queue, clock, () => share("a"), () => 1)).toEqual(["a0", "a1", "a2", "a3", "a4"]);
  });

  it("alternates namespaces doing the same work, whatever their number of runs", () => {
    const { queue, clock } = queueAt();
    for (let n = 0; n < 20; n++) queue.push(`busy-${n}`, share(`busy-run-${n}`, "job@1", "busy"));
    for (let n = 0; n < 4; n++) queue.push(`calm-${n}`, share("calm-run", "job@1", "calm"));
    const shareOf = (item: string) => (item.startsWith("busy") ? share(`busy-run-${item.slice(5)}`, "job@1", "busy") : share("calm-run", "job@1", "calm"));
    const order = drain(queue, clock, shareOf, () => 10);
    expect(order.slice(0, 8).map((item) => item.split("-")[0])).toEqual(["busy", "calm", "busy", "calm", "busy", "calm", "busy", "calm"]);
  });

  it("lets the namespace that used least go first", () => {
    const { queue, clock } = queueAt();
    queue.push("heavy-0", share("h", "job@1", "heavy"));
    expect(queue.take()).toBe("heavy-0");
    clock.ms += 500;
    queue.charge(share("h", "job@1", "heavy"), 500);
    queue.push("heavy-1", share("h2", "other@1", "heavy"));
    queue.push("light-0", share("l", "other@1", "light"));
    expect(queue.take()).toBe("light-0");
  });

  it("starves nothing: under a steady stream of cheap work, a slow task's items are all taken within a bound", () => {
    const { queue, clock } = queueAt();
    const pushedAt = new Map<string, number>();
    const push = (item: string, itemShare: Share) => {
      pushedAt.set(item, clock.ms);
      queue.push(item, itemShare);
    };
    const shares = new Map<string, Share>();
    for (let n = 0; n < 10; n++) shares.set(`slow-${n}`, share(`slow-${n}`, "spin@1"));
    queue.charge(share("slow-earlier", "spin@1"), 1000); // known slow
    for (const [item, itemShare] of shares) push(item, itemShare);
    let longestWaitMs = 0;
    for (let step = 0; step < 20_000 && [...pushedAt.keys()].some((item) => item.startsWith("slow")); step++) {
      const item = `cheap-${step}`; // as many arrive as are taken: the workers keep up, barely
      shares.set(item, share(item));
      push(item, shares.get(item)!);
      const taken = queue.take()!;
      const cost = taken.startsWith("slow") ? 1000 : 5;
      longestWaitMs = Math.max(longestWaitMs, clock.ms - pushedAt.get(taken)!);
      pushedAt.delete(taken);
      clock.ms += cost;
      queue.charge(shares.get(taken)!, cost);
    }
    expect([...pushedAt.keys()].filter((item) => item.startsWith("slow"))).toEqual([]);
    expect(longestWaitMs).toBeLessThan(40_000);
  });

  it("takes only what `eligible` accepts, leaving the rest waiting in their order", () => {
    const { queue } = queueAt();
    queue.push("a0", share("a"));
    queue.push("b0", share("b"));
    queue.push("a1", share("a"));
    expect(queue.take((item) => item === "a1")).toBe("a1");
    expect(queue.take((item) => item.startsWith("c"))).toBeUndefined();
    expect(queue.size).toBe(2);
    expect([queue.take(), queue.take()].sort()).toEqual(["a0", "b0"]);
  });

  it("holds a namespace, or a run, at its cap of activations running until one is charged", () => {
    const { queue } = queueAt({ maxRunningPerNamespace: 2, maxRunningPerRun: 1 });
    for (const run of ["a", "b", "c"]) queue.push(run, share(run, "job@1", "tenant"));
    queue.push("x", share("x", "job@1", "other"));
    queue.push("a-again", share("a", "job@1", "tenant"));
    expect([queue.take(), queue.take(), queue.take()]).toEqual(["a", "x", "b"]); // "a-again" waits for "a"
    expect(queue.take()).toBeUndefined(); // tenant runs 2; other has nothing left
    queue.charge(share("a", "job@1", "tenant"), 1);
    expect(queue.take()).toBe("c"); // run "a" used a worker already
    queue.charge(share("b", "job@1", "tenant"), 1);
    expect(queue.take()).toBe("a-again");
  });

  it("counts what waits, per namespace, and forgets an item done another way", () => {
    const { queue } = queueAt();
    queue.push("a", share("r1", "job@1", "n1"));
    queue.push("b", share("r2", "job@1", "n1"));
    queue.push("c", share("r3", "job@1", "n2"));
    expect(queue.size).toBe(3);
    expect(queue.depthByNamespace()).toEqual(new Map([["n1", 2], ["n2", 1]]));
    expect(queue.delete("b")).toBe(true);
    expect(queue.delete("b")).toBe(false);
    expect(queue.depthByNamespace()).toEqual(new Map([["n1", 1], ["n2", 1]]));
    expect(queue.size).toBe(2);
  });
});
