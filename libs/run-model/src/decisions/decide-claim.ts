import { type Decision, RUN_OPEN, stackGuard } from "../decision.js";
import { isOver, type RunState } from "../run-state.js";

/** What an instance of a wrapped service does with a call it was handed (see `decideClaim`). */
export type Claim =
  /** Take it: append `decision`, then run attempt `attempt`. */
  | { readonly kind: "claim"; readonly attempt: number; readonly decision: Decision }
  /** Not yet: another instance's lease runs, or the next attempt is due later. Look again at `untilMs` (epoch ms). */
  | { readonly kind: "wait"; readonly untilMs: number; readonly why: string }
  /** Nothing to do: the call settled, or its run ended. */
  | { readonly kind: "skip" };

/** Who claims: the instance (`worker`), until when its lease holds (epoch ms), the time now (epoch ms). */
export interface Claimant {
  readonly worker: string;
  readonly leaseUntilMs: number;
  readonly now: number;
}

/**
 * Whether a wrapped service's instance may take the call `stackRunId` now. A call is taken by
 * `stack.started` with the next attempt, under the call's guard at the attempts so far (the take moves
 * it): of two instances that claim the same attempt, one wins, and the other finds the call taken.
 * A taken call whose lease runs is left to its taker; one whose last attempt asked for a retry waits
 * for its `retryAt`; one whose taker's lease ran out (the instance died) is taken again. Pure.
 */
export function decideClaim(state: RunState, stackRunId: string, claimant: Claimant): Claim {
  const run = state.stackRuns.get(stackRunId);
  if (state.ended || !run || isOver(run)) return { kind: "skip" };
  const retrying = run.retry !== null && run.retry.attempt === run.attempt;
  if (retrying) {
    const retryAt = Date.parse(run.retry!.retryAt);
    if (retryAt > claimant.now) return { kind: "wait", untilMs: retryAt, why: `attempt ${run.attempt + 1} is due at ${run.retry!.retryAt}` };
  } else if (run.attempt > 0 && run.leaseUntil !== null && Date.parse(run.leaseUntil) > claimant.now) {
    return { kind: "wait", untilMs: Date.parse(run.leaseUntil), why: `attempt ${run.attempt} is leased until ${run.leaseUntil}` };
  }
  const attempt = run.attempt + 1;
  return {
    kind: "claim",
    attempt,
    decision: {
      expected: [{ guard: stackGuard(stackRunId), version: run.attempt }, RUN_OPEN],
      events: [{ type: "stack.started", data: { stackRunId, worker: claimant.worker, attempt, leaseUntil: new Date(claimant.leaseUntilMs).toISOString() } }],
    },
  };
}
