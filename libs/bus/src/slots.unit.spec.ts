import { describe, expect, it } from "vitest";
import { Slots } from "./slots.js";

/** Work that runs until the test ends it. */
function gate() {
  let open!: () => void;
  const done = new Promise<void>((resolve) => (open = resolve));
  return { done, open };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("handler slots", () => {
  it("gives a freed slot to the waiting share with the fewest running, then takes turns", async () => {
    const slots = new Slots(2);
    const order: string[] = [];
    const gates = new Map<string, ReturnType<typeof gate>>();
    const start = (name: string, share: string) => {
      const g = gate();
      gates.set(name, g);
      return slots.run(async () => {
        order.push(name);
        await g.done;
      }, share);
    };
    const all = [start("a0", "a"), start("a1", "a"), start("a2", "a"), start("a3", "a"), start("b0", "b"), start("c0", "c")];
    await tick();
    expect(slots.waitingByShare()).toEqual(new Map([["a", 2], ["b", 1], ["c", 1]]));
    for (const name of ["a0", "a1", "b0", "c0", "a2", "a3"]) {
      gates.get(name)?.open();
      await tick();
    }
    await Promise.all(all);
    expect(order).toEqual(["a0", "a1", "b0", "c0", "a2", "a3"]);
  });

  it("is first come first served with one share", async () => {
    const slots = new Slots(1);
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3].map((n) => slots.run(async () => void order.push(n))));
    expect(order).toEqual([0, 1, 2, 3]);
  });
});
