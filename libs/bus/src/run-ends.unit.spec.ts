import { headers } from "@nats-io/nats-core";
import { newId, type RecordedEvent } from "@tasker/contracts";
import { record } from "@tasker/testing";
import { describe, expect, it } from "vitest";
import { encodeEventMessage } from "./event-message.js";
import { inlineRunEnd } from "./run-ends.js";

const decoder = new TextDecoder();

/** The message the bus carries for `event`, under a payload limit of `maxPayloadBytes`. */
function messageOf(event: RecordedEvent, maxPayloadBytes = 1024 * 1024) {
  const { data, headers: carried } = encodeEventMessage(event, maxPayloadBytes);
  return { string: () => decoder.decode(data), headers: carried };
}

describe("inlineRunEnd", () => {
  const taskRunId = newId();
  const [completed] = record(taskRunId, [{ type: "run.completed", data: { taskRunId, result: { a: "\u0000\ud800" }, silentThrough: 2 } }], 3);

  it("is the ending event a message carries whole, its data as written", () => {
    expect(inlineRunEnd(messageOf(completed!), taskRunId)).toEqual(completed);
  });

  it("is undefined for an end carried by reference, another run's, or a message that is no run's end", () => {
    const big = record(taskRunId, [{ type: "run.completed", data: { taskRunId, result: "x".repeat(40_000) } }], 3)[0]!;
    expect(inlineRunEnd(messageOf(big, 48 * 1024), taskRunId)).toBeUndefined();
    expect(inlineRunEnd(messageOf(completed!), newId())).toBeUndefined();
    const [submitted] = record(taskRunId, [{ type: "run.cancel-requested", data: { taskRunId, reason: null } }]);
    expect(inlineRunEnd(messageOf(submitted!), taskRunId)).toBeUndefined();
    expect(inlineRunEnd({ string: () => "not json", headers: headers() }, taskRunId)).toBeUndefined();
    expect(inlineRunEnd({ string: () => "null", headers: undefined }, taskRunId)).toBeUndefined();
  });
});
