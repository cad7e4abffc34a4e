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

describe("errors in events", () => {
  const failed = (error: unknown) => ({ type: "stack.failed", data: { stackRunId, error } });
  const full = { code: 503, name: "Error", message: "outer", stack: "    at f (t:1:1)\n", cause: { code: "E_INNER", name: "TypeError", message: "inner" }, details: { status: 503 } };

  it("keeps a numeric code, the cause and the details of an error", () => {
    expect(parseEvent(failed(full))).toEqual(failed(full));
  });

  it("still reads errors recorded before causes and details: a string code, no name", () => {
    expect(parseRecordedEvent({ ...failed({ code: "TASK_ERROR", message: "m" }), metadata: { ...metadata, schemaVersion: 2 } }).data).toEqual({
      stackRunId,
      error: { code: "TASK_ERROR", message: "m" },
    });
  });

  it("refuses a cause deeper than MAX_ERROR_CAUSE_DEPTH, details over their bound, and a code that is neither", () => {
    let deep: Record<string, unknown> = { code: "E", message: "m" };
    for (let i = 0; i < 10_000; i++) deep = { code: "E", message: "m", cause: deep };
    expect(() => parseEvent(failed(deep))).toThrow(/cause nests deeper than 8 levels/);
    expect(() => parseEvent(failed({ ...full, details: { text: "x".repeat(70_000) } }))).toThrow(/at most 65536 bytes of JSON/);
    expect(() => parseEvent(failed({ ...full, details: [1] }))).toThrow(/must be a JSON object/);
    expect(() => parseEvent(failed({ ...full, code: true }))).toThrow(InvalidEventError);
  });
});
