import { headers } from "@nats-io/nats-core";
import type { RecordedEvent } from "@tasker/contracts";
import { describe, expect, it } from "vitest";
import { decodeEventMessage, encodeEventMessage, EVENT_DATA_HEADER, type EventMessage, PAYLOAD_MARGIN_BYTES } from "./event-message.js";
import { sampleEvent } from "@tasker/testing";

const received = ({ data, headers }: EventMessage) => ({ string: () => new TextDecoder().decode(data), headers });
const nothingStored = async () => undefined;

describe("event messages", () => {
  it("carry an event inline while it fits with the margin to spare", async () => {
    const small = sampleEvent("stack.created");
    const limit = Buffer.byteLength(JSON.stringify(small)) + PAYLOAD_MARGIN_BYTES;
    const message = encodeEventMessage(small, limit);
    expect(message.headers.get(EVENT_DATA_HEADER)).toBe("");
    expect(await decodeEventMessage(received(message), nothingStored)).toEqual(small);
    expect(encodeEventMessage(small, limit - 1).headers.get(EVENT_DATA_HEADER)).toBe("reference");
  });

  it("carry a larger event by reference, read back from the store", async () => {
    const large = sampleEvent("stack.created", "gapi", ["x".repeat(100_000)]);
    large.metadata.traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const message = encodeEventMessage(large, 64 * 1024);
    expect(message.data.byteLength).toBeLessThan(1024);
    expect(message.headers.get("traceparent")).toBe(large.metadata.traceparent);
    const asked: unknown[] = [];
    const loadEvent = async (streamId: string, streamVersion: number) => {
      asked.push([streamId, streamVersion]);
      return large;
    };
    expect(await decodeEventMessage(received(message), loadEvent)).toEqual(large);
    expect(asked).toEqual([[large.metadata.streamId, large.metadata.streamVersion]]);
  });

  it("refuse a reference the store does not hold, or holds another event for", async () => {
    const large = sampleEvent("stack.created", "gapi", ["x".repeat(100_000)]);
    const message = received(encodeEventMessage(large, 64 * 1024));
    await expect(decodeEventMessage(message, nothingStored)).rejects.toMatchObject({ code: "UNKNOWN_EVENT", kind: "terminal" });
    const other: RecordedEvent = { ...sampleEvent("stack.created"), metadata: { ...large.metadata, eventId: sampleEvent("stack.created").metadata.eventId } };
    await expect(decodeEventMessage(message, async () => other)).rejects.toMatchObject({ code: "UNKNOWN_EVENT" });
  });

  it("refuse what is not an event as invalid", async () => {
    const notJson = { string: () => "{", headers: headers() };
    await expect(decodeEventMessage(notJson, nothingStored)).rejects.toMatchObject({ code: "INVALID_EVENT", kind: "validation" });
    const badReference = headers();
    badReference.set(EVENT_DATA_HEADER, "reference");
    const noMetadata = { string: () => '{"type":"stack.created"}', headers: badReference };
    await expect(decodeEventMessage(noMetadata, nothingStored)).rejects.toMatchObject({ code: "INVALID_EVENT", field: "metadata" });
  });

  it("pass on the store's failure to read", async () => {
    const message = received(encodeEventMessage(sampleEvent("stack.created", "gapi", ["x".repeat(100_000)]), 64 * 1024));
    const down = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    await expect(decodeEventMessage(message, async () => Promise.reject(down))).rejects.toBe(down);
  });
});
