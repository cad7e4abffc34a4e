import { type Decision } from "../decision.js";
import { isOver, type RunState, type StackRunState, stackGuardVersion } from "../run-state.js";
import { settleCall } from "./settle-call.js";

/** The code of a call (or run) whose time ran out. */
export const TIMEOUT = "TIMEOUT";

/** What a timer does at some time: fire (append `decision`), wait until `dueAtMs`, or nothing ever (`spent`). */
export type TimerAnswer = { readonly kind: "fire"; readonly decision: Decision } | { readonly kind: "early"; readonly dueAtMs: number } | { readonly kind: "spent" };

/**
 * What the durable timer of `stackRunId` does at `now` (epoch ms). Due: a `sleep` completes (with
 * null); any other call not settled fails with `TIMEOUT`, under its guard where it is
 * (`stackGuardVersion`) — a task under way is stopped by it (its next activation finds the guard moved)
 * and its own calls are then cancelled (`cancelOrphans`); the root's timeout fails the run. `early`
 * before its due time (never fired early); `spent` when the call is over, the run ended or it has no
 * timer. Pure.
 */
export function decideTimer(state: RunState, stackRunId: string, now: number): TimerAnswer {
  const run = state.stackRuns.get(stackRunId);
  if (state.ended || !run || isOver(run) || run.dueAt === null) return { kind: "spent" };
  const dueAtMs = Date.parse(run.dueAt);
  if (dueAtMs > now) return { kind: "early", dueAtMs };
  return { kind: "fire", decision: timerDecision(run) };
}

function timerDecision(run: StackRunState): Decision {
  const { stackRunId } = run;
  if (run.service === "sleep") return settleCall(stackRunId, stackGuardVersion(run), { ok: true, value: null });
  const what =
    run.parentStackRunId === null
      ? "the run"
      : run.signalName !== null
        ? `the wait for signal "${run.signalName}"`
        : `${[run.service, ...run.method].join(".")} (call ${run.seq})`;
  const message = `${what} did not finish by ${run.dueAt}, its timeout`;
  return settleCall(stackRunId, stackGuardVersion(run), { ok: false, error: { code: TIMEOUT, name: "TimeoutError", message } });
}
