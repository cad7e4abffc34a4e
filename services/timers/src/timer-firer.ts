import { causedBy, runStreamId } from "@tasker/contracts";
import { type EventStore, isConcurrencyError, type Sql } from "@tasker/event-store";
import { decideTimer, type RunStates } from "@tasker/run-model";
import { recordSettledStackRuns, stackRunTraceparent } from "@tasker/telemetry";
import type { ClaimedTimer } from "./sql/claim-due-timers.js";
import { deleteTimer } from "./sql/delete-timer.js";
import { releaseTimer } from "./sql/release-timer.js";

/**
 * What firing a timer did: `fired` — its decision was appended (the projection deleted the row);
 * `spent` — nothing was left to decide (the call settled, the run ended) and the row was deleted;
 * `early` — by this process's clock the timer is not due yet, and it was handed back to be claimed again.
 */
export type Firing = "fired" | "spent" | "early";

/** Conflicts tolerated (each followed by a fresh read) before the timer is left to its lease. */
const MAX_ATTEMPTS = 5;

/** Shortest wait before a timer handed back for being early is claimed again. */
const MIN_RELEASE_MS = 10;

/**
 * Fires claimed timers: reads the run, asks `decideTimer` what the timer does now, and appends that
 * under the decision's conditions. A conflict (the call settled or moved meanwhile, another instance
 * fired it, the run ended) means reading again and deciding again, which usually finds nothing left.
 * Throws what it cannot handle (the store's errors, conflicts past `MAX_ATTEMPTS`); the timer's claim
 * then runs out and an instance fires it again.
 */
export class TimerFirer {
  constructor(
    private readonly store: EventStore,
    private readonly sql: Sql,
    private readonly states: RunStates,
  ) {}

  async fire(timer: ClaimedTimer): Promise<Firing> {
    const streamId = runStreamId(timer.taskRunId);
    for (let attempt = 1; ; attempt++) {
      const state = await this.states.read(streamId);
      const now = Date.now();
      const answer = decideTimer(state, timer.stackRunId, now);
      if (answer.kind === "early") {
        // Due by the database's clock, not by ours: never fire early, hand it back.
        await releaseTimer(this.sql, timer.stackRunId, Math.max(MIN_RELEASE_MS, answer.dueAtMs - now));
        return "early";
      }
      if (answer.kind === "spent") {
        await deleteTimer(this.sql, timer.stackRunId);
        return "spent";
      }
      const { decision } = answer;
      const run = state.stackRuns.get(timer.stackRunId)!;
      // What the timer settles belongs to the timed stack run's span.
      const metadata = { ...causedBy(null, timer.taskRunId), traceparent: stackRunTraceparent(run.traceparent, run.stackRunId) };
      try {
        await this.store.append(streamId, decision.expected, decision.events.map((event) => ({ ...event, metadata })));
        recordSettledStackRuns(state, decision.events);
        return "fired";
      } catch (error) {
        if (!isConcurrencyError(error) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }
}
