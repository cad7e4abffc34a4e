import type { Command } from "commander";
import { connectNats } from "@tasker/bus";
import { type RecordedEvent, runStreamId, TaskRunIdParam } from "@tasker/contracts";
import { EventStore, eventStoreMigrations, openDatabase } from "@tasker/event-store";
import { readModelMigrations } from "@tasker/read-models";
import type { DataSource } from "typeorm";
import { CliError, EXIT_USAGE } from "../cli-error.js";
import { busHistory } from "../events/bus-history.js";
import { endsRun, eventJson, eventLine } from "../events/event-line.js";
import { configFrom, endpointOf } from "../services/run-services.js";
import type { CommandContext } from "./command-context.js";

interface EventsOptions {
  json?: boolean;
  fromBus?: boolean;
  follow?: boolean;
  all?: boolean;
  since?: string;
}

const PAGE = 1000;

export function registerEvents(program: Command, context: CommandContext): void {
  program
    .command("events")
    .description(
      "a run's whole history, in order: from the event store at DATABASE_URL (complete), or with --from-bus / --follow from the JetStream stream at NATS_URL (bounded by its max_age)",
    )
    .argument("[id]", "the task run id")
    .option("--json", "one recorded event per line, as JSON (values carried by reference resolved)")
    .option("--from-bus", "read the JetStream stream <prefix>_events (subjects <prefix>.run.<id>.>) instead of the store")
    .option("--follow", "read the JetStream stream and keep printing new events until the run ends")
    .option("--all", "every run's events (with --since), in the order recorded")
    .option("--since <time>", "with --all: events recorded at or after this ISO-8601 time")
    .action(async (id: string | undefined, options: EventsOptions) => {
      const since = checkedArguments(id, options);
      const config = configFrom(context.io.env);
      const dataSource = await openDatabase({ url: config.DATABASE_URL, migrations: [...eventStoreMigrations, ...readModelMigrations] });
      const store = new EventStore({ dataSource });
      const print = (event: RecordedEvent): void => context.io.out(options.json ? eventJson(event) : eventLine(event, options.all));
      try {
        // Checked in the store first: a --follow of a run that does not exist would wait forever. Not for
        // --from-bus alone, which ends at the stream's last message and may outlive the store's retention.
        const storeHasIt = since !== undefined || (options.fromBus && !options.follow) || (await store.readEvent(runStreamId(id!), 1)) !== undefined;
        if (!storeHasIt) throw new CliError(`no run ${id} in the event store at DATABASE_URL`);
        if (since !== undefined) {
          for (let after = 0, page = await store.readSince(since, after, PAGE); page.length > 0; after = page.at(-1)!.metadata.position, page = await store.readSince(since, after, PAGE)) {
            page.forEach(print);
          }
          return;
        }
        let count = 0;
        if (options.fromBus || options.follow) {
          const nats = await connectNats(config.NATS_URL, "tasker-events").catch(() => {
            throw new CliError(`cannot reach NATS at ${endpointOf(config.NATS_URL)} (NATS_URL)`);
          });
          try {
            // A run that already ended has nothing left to wait for: the stream may no longer hold its end.
            const follow = options.follow === true && !(await hasEnded(dataSource, id!));
            for await (const event of busHistory(nats, config.TASKER_SUBJECT_PREFIX, id!, (streamId, version) => store.readEvent(streamId, version), follow, endsRun)) {
              print(event);
              count++;
            }
          } finally {
            await nats.close();
          }
        } else {
          const events = await store.readStream(runStreamId(id!));
          events.forEach(print);
          count = events.length;
        }
        if (count === 0) context.io.err(`tasker: the stream holds no events of run ${id} (older than its max_age?); the event store has them: tasker events ${id}\n`);
      } finally {
        await dataSource.destroy();
      }
    });
}

/** Whether the read model `task_runs` holds the end of run `taskRunId` (completed, failed or cancelled). */
async function hasEnded(dataSource: DataSource, taskRunId: string): Promise<boolean> {
  const rows: unknown[] = await dataSource.query(`SELECT 1 FROM task_runs WHERE task_run_id = $1 AND ended_position IS NOT NULL`, [taskRunId]);
  return rows.length > 0;
}

/** The `--since` time when `--all` is asked for; throws a usage error naming the option that is wrong. */
function checkedArguments(id: string | undefined, options: EventsOptions): Date | undefined {
  if (options.all) {
    if (id !== undefined) throw new CliError("--all reads every run: give no run id with it", EXIT_USAGE);
    if (options.fromBus || options.follow) throw new CliError("--all reads the event store: --from-bus and --follow take one run id", EXIT_USAGE);
    if (options.since === undefined) throw new CliError("--all needs --since ISO-8601-TIME (e.g. --since 2026-11-30T00:00:00Z)", EXIT_USAGE);
    const since = new Date(options.since);
    if (Number.isNaN(since.getTime()) || !isCalendarDate(options.since)) throw new CliError(`--since: "${options.since}" is not an ISO-8601 time`, EXIT_USAGE);
    return since;
  }
  if (options.since !== undefined) throw new CliError("--since goes with --all", EXIT_USAGE);
  if (id === undefined) throw new CliError("give a task run id (or --all --since TIME)", EXIT_USAGE);
  if (!TaskRunIdParam.safeParse(id).success) throw new CliError(`"${id}" is not a task run id (a UUID)`, EXIT_USAGE);
  return undefined;
}

/** Whether `text` starts with a date (YYYY-MM-DD) the calendar has: `Date` rolls 02-30 over into March. */
function isCalendarDate(text: string): boolean {
  const [, year, month, day] = /^(\d{4})-(\d{2})-(\d{2})/.exec(text) ?? [];
  if (day === undefined) return false;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  return date.getUTCMonth() === Number(month) - 1 && date.getUTCDate() === Number(day);
}
