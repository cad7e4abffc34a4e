import { type Decision } from "../decision.js";
import { isOver, type RunState, stackGuardVersion } from "../run-state.js";
import { settleCall } from "./settle-call.js";

/** The code of a call (or run) whose time ran out. */
export const TIMEOUT = "TIMEOUT";

/**
 * What the durable timer of `stackRunId` does when it fires at `now` (epoch ms): a `sleep` completes
 * (with null); any other call not settled fails with `TIMEOUT`, under its guard where it is
 * (`stackGuardVersion`) — a task under way is stopped by it (its next activation finds the guard moved)
 * and its own calls are then cancelled (`cancelOrphans`); the root's timeout fails the run. Null when
 * the call is over, the run ended, it has no timer, or the timer is not due. Pure.
 */
export function decideTimer(state: RunState, stackRunId: string, now: number): Decision | null {
  const run = state.stackRuns.get(stackRunId);
  if (state.ended || !run || isOver(run) || run.dueAt === null || Date.parse(run.dueAt) > now) return null;
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
