import type { TaskerEvent } from "@tasker/contracts";

/**
 * What a rule decided: append `events` to the run's stream under `expected`, a guard that makes the
 * decision once-only (a second writer that decided the same finds the guard moved on and backs off).
 */
export interface Decision {
  readonly expected: Guard | readonly Guard[];
  readonly events: readonly TaskerEvent[];
}

/** A named optimistic lock inside a run's stream: at `version` when the decision was made. */
export interface Guard {
  readonly guard: string;
  readonly version: number;
}

/**
 * The guard of one stack run's activations: at `k` once `k` activations were recorded. The executor
 * records activation `k + 1` under it, so whatever moves it first (another executor, a cancel) wins.
 */
export function stackGuard(stackRunId: string): string {
  return `stack:${stackRunId}`;
}

/** The guard of one stack run's resumes: at `k - 1` while activation `k` is the last suspended one. */
export function resumeGuard(stackRunId: string): string {
  return `resume:${stackRunId}`;
}

/** The guard of the run's end (completed, failed or cancelled): taken once, at version 0. */
export const RUN_GUARD = "run";
