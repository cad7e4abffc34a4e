import { describe, expect, it } from "vitest";
import { boundDeadLetter, type DeadLetter } from "./dead-letter.js";

const bytes = (letter: DeadLetter) => Buffer.byteLength(JSON.stringify(letter));
const letter = (payload: string, message = "customer is required"): DeadLetter => ({
  subject: "tasker.run.x.stack.created.gapi",
  deliveries: 1,
  error: { code: "BAD_ARGUMENTS", message },
  payload,
});

describe("a dead letter", () => {
  it("keeps a payload that fits", () => {
    const whole = letter('{"type":"stack.created"}');
    expect(boundDeadLetter(whole, 10_000)).toEqual(whole);
  });

  it("keeps the start of a payload that does not, flagged, and fits", () => {
    const payload = '{"args":["' + '\\"é'.repeat(50_000) + '"]}';
    const bounded = boundDeadLetter(letter(payload), 20_000);
    expect(bounded.payloadTruncated).toBe(true);
    expect(payload.startsWith(bounded.payload)).toBe(true);
    expect(bytes(bounded)).toBeLessThanOrEqual(20_000);
    expect(bytes(bounded)).toBeGreaterThan(19_000);
  });

  it("cuts the error message too when even that alone would not fit", () => {
    const bounded = boundDeadLetter(letter("{}", "x".repeat(50_000)), 20_000);
    expect(bytes(bounded)).toBeLessThanOrEqual(20_000);
    expect(bounded.error.message.length).toBeGreaterThan(19_000);
    expect(bounded.error.code).toBe("BAD_ARGUMENTS");
  });
});
