/**
 * The condition an append carries:
 * - a number: the stream's current version (0 = the stream does not exist yet);
 * - `"any"`: none — a fact from outside (a child's result, a log line); the store orders it;
 * - `"no_stream"`: the stream must not exist;
 * - `{ guard, version }`: a narrower lock than the stream — the named guard (e.g. `stack:<id>`) must be
 *   at `version` (0 = never used); the append moves it to `version + 1`. Appends under other guards or
 *   with `"any"` do not conflict with it.
 * - several guards: all must hold (a decision that rests on two pieces of state, such as a stack run's
 *   outcome and its run's end); all move on together.
 */
export type ExpectedVersion = number | "any" | "no_stream" | Guard | readonly Guard[];

export interface Guard {
  readonly guard: string;
  readonly version: number;
}

/** The guards of a condition, in name order: every writer takes them in the same order, so none deadlock. */
export function guardsOf(expected: ExpectedVersion): Guard[] {
  if (typeof expected !== "object") return [];
  const guards = Array.isArray(expected) ? [...(expected as readonly Guard[])] : [expected as Guard];
  return guards.sort((a, b) => (a.guard < b.guard ? -1 : a.guard > b.guard ? 1 : 0));
}

export function describeExpected(expected: ExpectedVersion): string {
  if (typeof expected === "number") return `version ${expected}`;
  if (expected === "any" || expected === "no_stream") return expected === "any" ? "any version" : "no stream";
  return guardsOf(expected)
    .map((guard) => `guard ${guard.guard} at ${guard.version}`)
    .join(" and ");
}
