import type { Command } from "commander";
import { shortId } from "../output/format.js";
import type { CommandContext } from "./command-context.js";

export function registerLogs(program: Command, context: CommandContext): void {
  program
    .command("logs")
    .description("print a run's log lines: time, level, stack run (short id), message")
    .argument("<id>", "the task run id")
    .action(async (id: string) => {
      const { logs, logsOmitted } = await context.gateway().run(id);
      if (logsOmitted) context.io.out(`… ${logsOmitted} earlier lines left out (tasker events ${id} has them all)\n`);
      for (const log of logs) {
        context.io.out(`${log.at}  ${log.level.toUpperCase().padEnd(5)}  ${shortId(log.stackRunId)}  ${log.message}\n`);
      }
    });
}
