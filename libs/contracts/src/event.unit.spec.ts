import { describe, expect, it } from "vitest";
import { InvalidEventError, parseEvent, parseRecordedEvent } from "./event.js";
import { newId, runStreamId } from "./ids.js";

const stackRunId = newId();
const created = {
  type: "stack.created",
  data: { stackRunId, parentStackRunId: null, seq: null, service: "tasks", method: ["execute"], args: ["x", {}], depth: 0, taskVersion: "v1" },
};
const metadata = {
  eventId: newId(),
  streamId: runStreamId(newId()),
  streamVersion: 2,
  position: 17,
  recordedAt: new Date().toISOString(),
  traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
  causationId: null,
  correlationId: null,
};

function rejection(raw: unknown): InvalidEventError {
  try {
    parseRecordedEvent(raw);
  } catch (error) {
    if (error instanceof InvalidEventError) return error;
    throw error;
  }
  throw new Error("expected the event to be rejected");
}

describe("parsing events", () => {
  it("accepts a valid event and keeps its data", () => {
    expect(parseRecordedEvent({ ...created, metadata })).toEqual({ ...created, metadata });
    expect(parseEvent(created)).toEqual(created);
  });

  it("names the event type and the field of a bad value", () => {
    const error = rejection({ ...created, data: { ...created.data, service: 42 }, metadata });
    expect(error.code).toBe("INVALID_EVENT");
    expect(error.eventType).toBe("stack.created");
    expect(error.field).toBe("data.service");
    expect(error.message).toMatch(/^invalid stack.created event: data.service: /);
  });

  it("names a missing nested field", () => {
    const { seq: _omitted, ...data } = created.data;
    expect(rejection({ ...created, data, metadata }).field).toBe("data.seq");
  });

  it("rejects metadata that is not as the store writes it", () => {
    const error = rejection({ ...created, metadata: { ...metadata, eventId: "not-a-uuid" } });
    expect(error.field).toBe("eventId");
    expect(rejection({ ...created, metadata: { ...metadata, traceparent: "01-xyz" } }).field).toBe("traceparent");
  });

  it("rejects an unknown or missing type", () => {
    expect(rejection({ type: "stack.exploded", data: {}, metadata }).message).toContain('unknown event type "stack.exploded"');
    expect(rejection({ data: {} }).field).toBe("type");
  });

  it("rejects a service name that would break the subject scheme", () => {
    expect(rejection({ ...created, data: { ...created.data, service: "g.api" }, metadata }).field).toBe("data.service");
  });
});
