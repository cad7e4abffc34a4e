import { setTimeout as sleep } from "node:timers/promises";
import type { RecordedEvent } from "@tasker/contracts";
import { Behaviour, sampleEvent, useBusTestBed } from "@tasker/testing";
import { describe, expect, it } from "vitest";

const bed = useBusTestBed();

/** A call of the gapi service in run `taskRunId` (the share the tests key messages by). */
function callIn(taskRunId: string): RecordedEvent {
  const event = sampleEvent("stack.created");
  return { ...event, metadata: { ...event.metadata, correlationId: taskRunId } };
}

describe("handlers shared fairly between shares of the work", () => {
  it("handles a message of another share published behind 100 of one share among the first 40, without redelivering any", async () => {
    const behaviour = new Behaviour();
    behaviour.react = () => sleep(20);
    const publisher = bed.publisher();
    await Promise.all(Array.from({ length: 100 }, () => publisher.publish(callIn("fan-out"))));
    await publisher.publish(callIn("echo"));
    await bed.startWorker(behaviour, { service: "fair", concurrency: 4, shareOf: (event) => String(event.metadata.correlationId) });
    await behaviour.until(101);
    const turn = behaviour.seen.findIndex((seen) => seen.event.metadata.correlationId === "echo");
    expect(turn).toBeLessThan(40); // in the order they came, it would be the last
    expect(behaviour.seen.map((seen) => seen.delivery)).toEqual(Array(101).fill(1));
  });

  it("without shareOf, handles messages in the order they came", async () => {
    const behaviour = new Behaviour();
    const publisher = bed.publisher();
    for (let n = 0; n < 20; n++) await publisher.publish(callIn("fan-out"));
    await publisher.publish(callIn("echo"));
    await bed.startWorker(behaviour, { service: "in-order", concurrency: 1 });
    await behaviour.until(21);
    expect(behaviour.seen.at(-1)!.event.metadata.correlationId).toBe("echo");
  });
});
