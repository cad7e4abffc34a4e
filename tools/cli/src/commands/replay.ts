import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { namespaceOf, type RecordedEvent, runStreamId } from "@tasker/contracts";
import { eventStoreMigrations, EventStore, openDatabase, pooledSql } from "@tasker/event-store";
import { readModelMigrations } from "@tasker/read-models";
import { ABANDONED_PREFIX } from "@tasker/run-model";
import { createSandbox } from "@tasker/sandbox";
import { CliError, EXIT_FAILURE, EXIT_USAGE } from "../cli-error.js";
import { endsRun } from "../events/event-line.js";
import { publishedCode } from "../replay/published-code.js";
import { replayStackRun, type StackRunReplay } from "../replay/replay-stack-run.js";
import { configFrom } from "../services/run-services.js";
import type { CommandContext } from "./command-context.js";

export function registerReplay(program: Command, context: CommandContext): void {
  program
    .command("replay")
    .description(
      "re-executes an ended run's stack runs of service tasks in a local sandbox from its history (DATABASE_URL) and reports, per stack run, whether every activation made the recorded calls and ended as recorded; exit 1 on a difference",
    )
    .argument("<id>", "the task run id")
    .option("--code <file>", "replay the stack runs of the root's task (the root and any nested call of the same task) against the code in this file: check a change before publishing it")
    .action(async (id: string, options: { code?: string }) => {
      const code = options.code === undefined ? undefined : await readFile(options.code, "utf8").catch((error: NodeJS.ErrnoException) => {
        throw new CliError(`--code: cannot read ${options.code} (${error.code ?? error.message})`, EXIT_USAGE);
      });
      const config = configFrom(context.io.env);
      const dataSource = await openDatabase({ url: config.DATABASE_URL, migrations: [...eventStoreMigrations, ...readModelMigrations] });
      const sandbox = await createSandbox();
      try {
        const events = await new EventStore({ dataSource }).readStream(runStreamId(id));
        const submitted = events.find((event) => event.type === "run.submitted");
        if (!submitted) throw new CliError(`no run ${id} in the event store at DATABASE_URL`);
        if (!events.some(endsRun)) {
          throw new CliError(`run ${id} has not ended: replay it once it has (tasker events ${id} --follow waits for its end)`);
        }
        const source = await publishedCode(pooledSql(dataSource), namespaceOf(submitted.data as { namespace?: string }));
        const stackRuns = tasksStackRuns(events);
        const rootTask = stackRuns.find((stackRun) => stackRun.root)?.taskName;
        let differences = 0;
        for (const created of stackRuns) {
          const skipped = skipReason(events, created.stackRunId);
          if (skipped !== undefined) {
            context.io.out(`${created.stackRunId}  ${created.taskName}  skipped: ${skipped}\n`);
            continue;
          }
          const replay = await replayStackRun(sandbox, events, created.stackRunId, source, created.taskName === rootTask ? code : undefined).catch((error: unknown) => {
            differences++;
            context.io.out(`${created.stackRunId}  ${created.taskName}  could not be replayed: ${error instanceof Error ? error.message : String(error)}\n`);
            return undefined;
          });
          if (replay === undefined) continue;
          if (!replay.reproduced) differences++;
          context.io.out(reportLine(replay));
        }
        if (differences > 0) throw new CliError(`${differences} stack run(s) of run ${id} did not reproduce their history`, EXIT_FAILURE);
      } finally {
        sandbox.dispose();
        await dataSource.destroy();
      }
    });
}

/** The stack runs of service `tasks` in a run's stream, in the order they were created; `root`: the run's own. */
function tasksStackRuns(events: readonly RecordedEvent[]): { stackRunId: string; taskName: string; root: boolean }[] {
  return events.flatMap((event) =>
    event.type === "stack.created" && event.data.service === "tasks"
      ? [{ stackRunId: event.data.stackRunId, taskName: String(event.data.args[0]), root: event.data.parentStackRunId === null }]
      : [],
  );
}

/** Why a stack run has nothing to replay (its code never ran, or its last activation was never recorded); undefined when it has. */
function skipReason(events: readonly RecordedEvent[], stackRunId: string): string | undefined {
  const mine = events.filter((event) => (event.data as { stackRunId?: string }).stackRunId === stackRunId);
  const ending = mine.find((event) => event.type === "stack.completed" || event.type === "stack.failed");
  if (ending === undefined) return "it never ended (its run ended first)";
  if (!mine.some((event) => event.type === "stack.started")) return "its code never ran (the call was refused or cancelled before it started)";
  if (ending.type === "stack.failed" && ending.data.error.message.startsWith(ABANDONED_PREFIX)) return "the executor gave up on it: its last activation was never recorded";
  return undefined;
}

/** `<stack run>  <task>  reproduced (N activations)`, or `DIFFERS at activation A[, call seq S]: what`. */
function reportLine(replay: StackRunReplay): string {
  const head = `${replay.stackRunId}  ${replay.taskName}  `;
  if (replay.reproduced) return `${head}reproduced (${replay.activations} activations)\n`;
  const { activation, seq, message } = replay.difference!;
  return `${head}DIFFERS at activation ${activation}${seq === undefined ? "" : `, call seq ${seq}`}: ${message}\n`;
}
