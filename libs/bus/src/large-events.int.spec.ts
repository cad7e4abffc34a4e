import { jetstream } from "@nats-io/jetstream";
import { headers } from "@nats-io/nats-core";
import { type RecordedEvent, subjectOf } from "@tasker/contracts";
import { describe, expect, it } from "vitest";
import { EVENT_DATA_HEADER, type LoadEvent } from "./event-message.js";
import { Behaviour, sampleEvent as event, useBusTestBed } from "@tasker/testing";

const bed = useBusTestBed();

/** An event store of this deployment, as far as the transport can tell. */
function storeOf(...events: RecordedEvent[]): LoadEvent {
  const byPlace = new Map(events.map((stored) => [`${stored.metadata.streamId}@${stored.metadata.streamVersion}`, stored]));
  return async (streamId, streamVersion) => byPlace.get(`${streamId}@${streamVersion}`);
}

async function storedMessage(published: RecordedEvent) {
  const stored = await (await bed.jsm()).streams.getMessage(bed.stream, { last_by_subj: subjectOf(bed.prefix, published) });
  return stored!;
}

describe("events larger than the bus carries", () => {
  it("travel by reference, and reach the handler whole", async () => {
    const huge = event("stack.created", "gapi", ["x".repeat(1_500_000)]);
    huge.metadata.traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    await bed.publisher().publish(huge);
    const stored = await storedMessage(huge);
    expect(stored.header.get(EVENT_DATA_HEADER)).toBe("reference");
    expect(stored.header.get("traceparent")).toBe(huge.metadata.traceparent);
    expect(stored.json()).toEqual({ type: huge.type, metadata: huge.metadata });

    const behaviour = new Behaviour();
    await bed.startWorker(behaviour, { service: "big", loadEvent: storeOf(huge) });
    await behaviour.until(1);
    expect(behaviour.seen[0]!.event).toEqual(huge);
  });

  it("leave small events inline", async () => {
    const small = event("stack.created");
    await bed.publisher().publish(small);
    const stored = await storedMessage(small);
    expect(stored.header?.get(EVENT_DATA_HEADER) ?? "").toBe("");
    expect(stored.json()).toEqual(small);

    const behaviour = new Behaviour();
    await bed.startWorker(behaviour, { service: "small", loadEvent: storeOf() });
    await behaviour.until(1);
    expect(behaviour.seen[0]!.event).toEqual(small);
  });

  it("are given up on when this deployment's store does not have them", async () => {
    const foreign = event("stack.created");
    const carried = headers();
    carried.set(EVENT_DATA_HEADER, "reference");
    await jetstream(bed.nc).publish(subjectOf(bed.prefix, foreign), JSON.stringify({ type: foreign.type, metadata: foreign.metadata }), { headers: carried });
    const behaviour = new Behaviour();
    const givenUp: string[] = [];
    const letters = bed.deadLetters("elsewhere");
    await bed.startWorker(behaviour, { service: "elsewhere", loadEvent: storeOf(), onGiveUp: async (_event, error) => void givenUp.push(error.code) });
    const letter = await letters.next();
    expect(letter.error).toMatchObject({ code: "UNKNOWN_EVENT", message: expect.stringContaining("another deployment may share the subject prefix") });
    expect(behaviour.seen).toEqual([]);
    expect(givenUp).toEqual([]);
  });
});
