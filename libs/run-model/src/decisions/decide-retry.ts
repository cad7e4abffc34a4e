import type { ErrorInfo } from "@tasker/contracts";
import { type Decision, RUN_OPEN, stackGuard } from "../decision.js";

/**
 * The taker of attempt `attempt` of a wrapped-service call asks for another: `stack.retrying` with the
 * attempt's error and when the next starts (epoch ms), on condition that the call is still its own
 * (its guard at `attempt`: nobody settled it or took it over) and the run open. The guard is only
 * checked: the next attempt's take moves it.
 */
export function decideRetry(stackRunId: string, attempt: number, error: ErrorInfo, retryAtMs: number): Decision {
  return {
    expected: [{ guard: stackGuard(stackRunId), version: attempt, check: true }, RUN_OPEN],
    events: [{ type: "stack.retrying", data: { stackRunId, attempt, error, retryAt: new Date(retryAtMs).toISOString() } }],
  };
}
