import { setTimeout as sleep } from "node:timers/promises";
import { AckPolicy, jetstream, type JetStreamManager } from "@nats-io/jetstream";
import { describe, expect, it } from "vitest";
import { findStalledConsumers } from "./stalled-consumers.js";
import { useBusTestBed } from "@tasker/testing";

const bed = useBusTestBed();

async function addConsumer(jsm: JetStreamManager, name: string, filter: string, extra: { inactive_threshold?: number } = {}): Promise<void> {
  await jsm.consumers.add(bed.stream, { durable_name: name, filter_subject: `${bed.prefix}.${filter}`, ack_policy: AckPolicy.Explicit, ...extra });
}

describe("stalled consumers", () => {
  it("are those with work that acknowledged none of it for longer than the window", async () => {
    const jsm = await bed.jsm();
    const js = jetstream(bed.nc);
    await addConsumer(jsm, "stuck", "work.>");
    await addConsumer(jsm, "idle", "nothing.>");
    await addConsumer(jsm, "one_instance", "work.>", { inactive_threshold: 60e9 });
    await sleep(1200);
    for (let n = 0; n < 3; n++) await js.publish(`${bed.prefix}.work.${n}`, "{}");

    // Idle for 1.2 s, but its work is fresh: not stalled yet.
    expect(await findStalledConsumers(jsm, bed.prefix, 1000)).toEqual([]);
    // As seen 2 s later.
    const later = await findStalledConsumers(jsm, bed.prefix, 1000, Date.now() + 2000);
    expect(later).toEqual([{ name: "stuck", waiting: 3, stalledMs: expect.any(Number) }]);
    expect(later[0]!.stalledMs).toBeGreaterThan(1900);
    expect(later[0]!.stalledMs).toBeLessThan(3000);

    // One acknowledgement: stalled since then, no longer since its creation.
    const consumer = await js.consumers.get(bed.stream, "stuck");
    await (await consumer.next())!.ackAck();
    expect(await findStalledConsumers(jsm, bed.prefix, 1000, Date.now() + 500)).toEqual([]);
    const sinceAck = await findStalledConsumers(jsm, bed.prefix, 1000, Date.now() + 2000);
    expect(sinceAck).toEqual([{ name: "stuck", waiting: 2, stalledMs: expect.any(Number) }]);
    expect(sinceAck[0]!.stalledMs).toBeLessThan(2500);

    for (let n = 0; n < 2; n++) await (await consumer.next())!.ackAck();
    expect(await findStalledConsumers(jsm, bed.prefix, 1000, Date.now() + 60_000)).toEqual([]); // no work: never stalled
  });
});
