import type { CallUsage, JsonValue, ErrorInfo } from "@tasker/contracts";
import { type Decision, RUN_OPEN, stackGuard } from "../decision.js";
import type { Outcome } from "../run-state.js";

/**
 * Settles a call whose guard is at `guardVersion` (`stackGuardVersion` when it was read; for a
 * wrapped service, the attempt that produced `outcome`): `stack.completed` or `stack.failed`, moving
 * the guard, while the run is open. Whoever moved the guard first — a take-over, a timeout, a cancel
 * — wins; this append then fails and the outcome is dropped. A completed outcome's `usage` is
 * recorded in its `stack.completed`.
 */
export function settleCall(stackRunId: string, guardVersion: number, outcome: Outcome): Decision {
  return {
    expected: [{ guard: stackGuard(stackRunId), version: guardVersion }, RUN_OPEN],
    events: [outcome.ok ? completed(stackRunId, outcome.value, outcome.usage) : failed(stackRunId, outcome.error)],
  };
}

function completed(stackRunId: string, result: JsonValue, usage: CallUsage | undefined) {
  return { type: "stack.completed", data: { stackRunId, result, ...(usage && { usage }) } } as const;
}

function failed(stackRunId: string, error: ErrorInfo) {
  return { type: "stack.failed", data: { stackRunId, error } } as const;
}
