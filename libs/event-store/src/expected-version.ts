/**
 * The condition an append carries:
 * - a number: the stream's current version (0 = the stream does not exist yet);
 * - `"any"`: none — a fact from outside (a child's result, a log line); the store orders it;
 * - `"no_stream"`: the stream must not exist;
 * - `{ guard, version }`: a narrower lock than the stream — the named guard (e.g. `stack:<id>`) must be
 *   at `version` (0 = never used); the append moves it to `version + 1`. Appends under other guards or
 *   with `"any"` do not conflict with it.
 */
export type ExpectedVersion = number | "any" | "no_stream" | { guard: string; version: number };

export function describeExpected(expected: ExpectedVersion): string {
  if (typeof expected === "number") return `version ${expected}`;
  if (expected === "any" || expected === "no_stream") return expected === "any" ? "any version" : "no stream";
  return `guard ${expected.guard} at ${expected.version}`;
}
