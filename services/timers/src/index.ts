import { Logger } from "@nestjs/common";
import { pooledSql } from "@tasker/event-store";
import type { ServiceDefinition } from "@tasker/platform";
import { RunStates } from "@tasker/run-model";
import { RetentionSweeper } from "./retention/retention-sweeper.js";
import { sweepEndedRuns } from "./retention/sweep-ended-runs.js";
import { TimerFirer } from "./timer-firer.js";
import { TimerPoller } from "./timer-poller.js";

export { TimerFirer, type Firing } from "./timer-firer.js";
export { TimerPoller, type TimerPollerOptions } from "./timer-poller.js";
export { sweepEndedRuns, type SweepOptions, type SweepOutcome } from "./retention/sweep-ended-runs.js";

const name = "timers";

/** Runs whose folded state a timers instance keeps between firings. */
const KEPT_RUN_STATES = 1024;

/**
 * Durable timers: fires the timers of the `timers` table when due — a `sleep` completes, a call or a
 * run with a `timeoutMs` fails with `TIMEOUT` (`decideTimer`). Any number of instances share the
 * table: each claims what it fires, and every firing is guarded. With `TASKER_RETENTION_DAYS`, it also
 * deletes the runs that ended longer ago than that (`sweepEndedRuns`), at start and hourly: it is
 * the service that already does periodic work on the database and holds no run in memory.
 */
export const timersService: ServiceDefinition = {
  name,
  async start(platform) {
    const { config } = platform;
    const logger = new Logger(name);
    const sql = pooledSql(platform.dataSource);
    const firer = new TimerFirer(platform.store, sql, new RunStates(platform.store, KEPT_RUN_STATES));
    const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));
    const poller = new TimerPoller({
      sql,
      fire: (timer) => firer.fire(timer),
      concurrency: config.TASKER_TIMER_CONCURRENCY,
      claimMs: config.TASKER_TIMER_CLAIM_MS,
      pollMs: config.TASKER_TIMER_POLL_MS,
      onFireError: (timer, error) =>
        logger.warn(`run ${timer.taskRunId}: the timer of stack run ${timer.stackRunId} (due ${timer.dueAt}) could not be fired, it is tried again once its claim runs out: ${reason(error)}`),
      onPollError: (error) => logger.warn(`looking for due timers failed: ${reason(error)}`),
    });
    poller.start();
    const retentionDays = config.TASKER_RETENTION_DAYS;
    const sweeper =
      retentionDays === undefined
        ? undefined
        : new RetentionSweeper({
            sweep: (now, signal) => sweepEndedRuns(platform.dataSource, { retentionDays, now, signal }),
            onSwept: (outcome) => {
              if (!outcome.skipped && outcome.runs > 0) logger.log(`retention: deleted ${outcome.runs} runs that ended over ${retentionDays} days ago (${outcome.events} events)`);
            },
            onError: (error) => logger.warn(`retention: sweeping ended runs failed, tried again in an hour: ${reason(error)}`),
          });
    sweeper?.start();
    return {
      name,
      close: async () => {
        await sweeper?.stop();
        await poller.stop();
      },
    };
  },
};
