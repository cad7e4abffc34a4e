/**
 * The condition an append carries:
 * - a number: the stream's current version (0 = the stream does not exist yet);
 * - `"any"`: none — a fact from outside (a child's result, a log line); the store orders it;
 * - `"no_stream"`: the stream must not exist;
 * - `NewStream`: the stream must not exist, and the append creates it with conditions taken;
 * - one or several `Condition`s, on a stream that exists: narrower than the stream's version, so
 *   that appends under other guards, or with `"any"`, do not conflict. All hold, or nothing is
 *   written; the moved guards and the counts all move together.
 */
export type ExpectedVersion = number | "any" | "no_stream" | NewStream | Condition | readonly Condition[];

export type Condition = Guard | Count;

/**
 * The stream must not exist (as `"no_stream"`), and the append that creates it takes `conditions` on
 * it as on a stream whose guards and counters are all at 0: a guard expected at another version, or a
 * count whose `add` passes its `max`, cannot hold. A writer that records a run's first events together
 * with what follows them (a root's start and outcome) moves the guards those carry in the same append.
 */
export interface NewStream {
  readonly newStream: readonly Condition[];
}

export function isNewStream(expected: ExpectedVersion): expected is NewStream {
  return typeof expected === "object" && "newStream" in expected;
}

/**
 * A named lock inside the stream (e.g. `stack:<id>`, one stack run's activation number): it must be
 * at `version` (0 = never used). The append moves it to `version + 1`, unless `check` is set: then it
 * is only compared (the decision rests on it, but another writer taking it must still win, e.g. "the
 * run has not ended").
 */
export interface Guard {
  readonly guard: string;
  readonly version: number;
  readonly check?: boolean;
}

/**
 * A bounded counter inside the stream (e.g. the stack runs a run created): the append adds `add`,
 * and fails with `CountExceededError` (saying the current value) when the sum would pass `max`.
 * Counters and guards share one namespace per stream.
 */
export interface Count {
  readonly counter: string;
  readonly add: number;
  readonly max: number;
}

/** The conditions of an append, guards in name order (the order they are checked and named in errors). */
export function conditionsOf(expected: ExpectedVersion): { guards: Guard[]; counts: Count[] } {
  if (typeof expected !== "object") return { guards: [], counts: [] };
  if (isNewStream(expected)) return conditionsOf(expected.newStream);
  const all: readonly Condition[] = Array.isArray(expected) ? (expected as readonly Condition[]) : [expected as Condition];
  const guards = all.filter((condition): condition is Guard => "guard" in condition);
  const counts = all.filter((condition): condition is Count => "counter" in condition);
  return { guards: guards.sort((a, b) => (a.guard < b.guard ? -1 : a.guard > b.guard ? 1 : 0)), counts };
}

export function describeExpected(expected: ExpectedVersion): string {
  if (typeof expected === "number") return `version ${expected}`;
  if (expected === "any" || expected === "no_stream") return expected === "any" ? "any version" : "no stream";
  const { guards, counts } = conditionsOf(expected);
  return [
    ...(isNewStream(expected) ? ["no stream"] : []),
    ...guards.map((guard) => `guard ${guard.guard} at ${guard.version}`),
    ...counts.map((count) => `counter ${count.counter} + ${count.add} at most ${count.max}`),
  ].join(" and ");
}
