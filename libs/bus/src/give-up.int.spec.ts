import { setTimeout as sleep } from "node:timers/promises";
import { AckPolicy } from "@nats-io/jetstream";
import { type TaskerErrorInfo, patterns, type RecordedEvent, TaskerError } from "@tasker/contracts";
import { Behaviour, eventually, metricValue, sampleEvent as event, TEST_NATS_URL, useBusTestBed } from "@tasker/testing";
import { describe, expect, it } from "vitest";
import { deadLetters, redeliveries } from "./bus-metrics.js";
import { connectNats } from "./connection.js";
import { consumerName } from "./consumer-name.js";
import { deadLetterSubject } from "./dead-letter.js";

const bed = useBusTestBed();
const gapiCalls = patterns.stackCreated("gapi");

function failTerminally(behaviour: Behaviour): Behaviour {
  behaviour.react = async () => {
    throw new TaskerError("BAD_ARGUMENTS", "customer is required", "terminal");
  };
  return behaviour;
}

describe("giving up on a message", () => {
  it("is final: a message failing terminally is delivered once, and never again", async () => {
    const behaviour = failTerminally(new Behaviour());
    const letters = bed.deadLetters("final");
    await bed.startWorker(behaviour, { service: "final", ackWaitMs: 1000 });
    await bed.publisher().publish(event("stack.created"));
    await letters.next();
    await sleep(2500); // more than twice the ack wait: a message the server still held would be back
    expect(behaviour.seen.map((seen) => seen.delivery)).toEqual([1]);
    const info = await (await bed.jsm()).consumers.info(bed.stream, consumerName("final", gapiCalls));
    expect(info.num_pending + info.num_ack_pending).toBe(0);
  });

  it("delivers a message whose handler hangs at most maxDeliveries + 1 times, even when giving up cannot finish", async () => {
    const jsm = await bed.jsm();
    const durable = consumerName("hanging", gapiCalls);
    // As an earlier release created it: no max_deliver. The transport updates it in place.
    await jsm.consumers.add(bed.stream, { durable_name: durable, filter_subject: `${bed.prefix}.${gapiCalls}`, ack_policy: AckPolicy.Explicit, ack_wait: 1e9 });
    const behaviour = new Behaviour();
    behaviour.react = () => new Promise(() => undefined);
    const givenUp: string[] = [];
    const options = { service: "hanging", ackWaitMs: 1000, maxDeliveries: 2 };
    const hangingGiveUp = async (_event: RecordedEvent, error: TaskerErrorInfo) => {
      givenUp.push(error.code);
      await new Promise(() => undefined);
    };
    await bed.publisher().publish(event("stack.created"));
    // Each instance dies while handling the message: in its handler twice, then while giving up.
    for (let instance = 1; instance <= 3; instance++) {
      const connection = await connectNats(TEST_NATS_URL, `hanging-${instance}`);
      await bed.startWorker(behaviour, { ...options, onGiveUp: hangingGiveUp }, connection);
      await eventually(() => behaviour.seen.length + givenUp.length >= instance, `delivery ${instance} was handled`);
      await connection.close();
    }
    expect((await jsm.consumers.info(bed.stream, durable)).config.max_deliver).toBe(3);

    const survivor = new Behaviour();
    await bed.startWorker(survivor, { ...options, onGiveUp: async (_event, error) => void givenUp.push(error.code) });
    await sleep(2500);
    expect(behaviour.seen.map((seen) => seen.delivery)).toEqual([1, 2]);
    expect(givenUp).toEqual(["DELIVERY_LIMIT"]);
    expect(survivor.seen).toEqual([]);
  });

  it("first lets the service settle the work, and tries again at the next delivery when that fails", async () => {
    const jsm = await bed.jsm();
    const behaviour = failTerminally(new Behaviour());
    const dlq = deadLetterSubject(bed.prefix, "settling");
    const settled: { event: RecordedEvent; error: TaskerErrorInfo; lettersBefore: number }[] = [];
    let failuresToCome = 1;
    const onGiveUp = async (event: RecordedEvent, error: TaskerErrorInfo) => {
      if (failuresToCome-- > 0) throw new Error("the run could not be updated");
      const stored = await jsm.streams.info(bed.stream, { subjects_filter: dlq });
      settled.push({ event, error, lettersBefore: stored.state.subjects?.[dlq] ?? 0 });
    };
    const letters = bed.deadLetters("settling");
    await bed.startWorker(behaviour, { service: "settling", retryDelayMs: () => 20, onGiveUp });
    const work = event("stack.created");
    await bed.publisher().publish(work);
    const letter = await letters.next();
    expect(behaviour.seen.map((seen) => seen.delivery)).toEqual([1, 2]);
    expect(settled).toEqual([{ event: work, error: expect.objectContaining({ code: "BAD_ARGUMENTS" }), lettersBefore: 0 }]);
    expect(letter).toMatchObject({ deliveries: 2, error: { code: "BAD_ARGUMENTS" } });
    // Counted for /metrics: the second delivery, and the one dead letter.
    expect(await metricValue(redeliveries, { consumer: consumerName("settling", gapiCalls) })).toBe(1);
    // Counted once the bus confirmed the dead letter, which the subscriber may see first.
    await eventually(async () => (await metricValue(deadLetters, { service: "settling", code: "BAD_ARGUMENTS" })) === 1, "the dead letter was counted");
  });

  it("writes a dead letter that fits on the bus, cutting the payload of a message near the limit", async () => {
    const behaviour = failTerminally(new Behaviour());
    const letters = bed.deadLetters("roomy");
    await bed.startWorker(behaviour, { service: "roomy" });
    // Travels inline (its JSON is ~1 MB), but its JSON inside a dead letter would be twice that.
    const large = event("stack.created", "gapi", ['"'.repeat(500_000)]);
    await bed.publisher().publish(large);
    const letter = await letters.next();
    expect(letter.payloadTruncated).toBe(true);
    expect(JSON.stringify(large).startsWith(letter.payload)).toBe(true);
    expect(letter.payload.length).toBeGreaterThan(400_000);
    expect(Buffer.byteLength(JSON.stringify(letter))).toBeLessThanOrEqual(bed.nc.info!.max_payload);
    expect(behaviour.seen).toHaveLength(1);
  });
});
