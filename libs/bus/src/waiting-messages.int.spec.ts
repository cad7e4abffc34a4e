import { setTimeout as sleep } from "node:timers/promises";
import { Behaviour, sampleEvent as event, useBusTestBed } from "@tasker/testing";
import { describe, expect, it } from "vitest";

const bed = useBusTestBed();

describe("messages waiting for a busy handler", () => {
  it("are kept alive while they wait (up to four per handler): none is redelivered, however long the handlers take", async () => {
    const behaviour = new Behaviour();
    // Each message keeps a handler busy for longer than the ack wait; most wait their turn meanwhile.
    behaviour.react = () => sleep(1500);
    await bed.startWorker(behaviour, { service: "busy", ackWaitMs: 1000, concurrency: 2 });
    const publisher = bed.publisher();
    for (let i = 0; i < 8; i++) await publisher.publish(event("stack.created"));
    await behaviour.until(8);
    await sleep(2500);
    expect(behaviour.seen.map((seen) => seen.delivery)).toEqual(Array(8).fill(1));
  }, 30_000);
});
