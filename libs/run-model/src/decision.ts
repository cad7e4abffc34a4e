import type { TaskerEvent } from "@tasker/contracts";

/**
 * What a rule decided: append `events` to the run's stream if every condition in `expected` holds.
 * The conditions make a decision once-only (a second writer that decided the same finds a guard
 * moved on and backs off) and keep it from resting on state that changed (the run ended, the stack
 * run moved on). The event store's conditions, structurally.
 */
export interface Decision {
  readonly expected: readonly Condition[];
  readonly events: readonly TaskerEvent[];
}

export type Condition = Guard | Count;

/**
 * A named optimistic lock inside a run's stream: at `version` when the decision was made. Appending
 * moves it to `version + 1`, unless `check` (then it is only compared).
 */
export interface Guard {
  readonly guard: string;
  readonly version: number;
  readonly check?: boolean;
}

/** A bounded counter inside a run's stream: the append adds `add`, and fails past `max`. */
export interface Count {
  readonly counter: string;
  readonly add: number;
  readonly max: number;
}

/**
 * The guard of one stack run: at `k` once `k` activations were recorded (a call settled without
 * running, rejected or given up on, counts one). Activation `k + 1` is recorded under it at `k`, so
 * whatever moves it first (another executor, a give-up) wins.
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

/** "The run has not ended": what every decision about a run's work rests on, and a run's end takes. */
export const RUN_OPEN: Guard = { guard: RUN_GUARD, version: 0, check: true };

/** The counter of the calls a run made (its stack runs but the root), bounded by `TASKER_MAX_STACK_RUNS`. */
export const STACK_RUNS_COUNTER = "stack-runs";
