import type { Command } from "commander";
import type { CommandContext } from "./command-context.js";

export function registerCancel(program: Command, context: CommandContext): void {
  program
    .command("cancel")
    .description("ask for a run to be cancelled")
    .argument("<id>", "the task run id")
    .action(async (id: string) => {
      const run = await context.gateway().cancel(id);
      context.io.out(`${run.taskRunId}  cancel requested (status: ${run.status})\n`);
    });
}
