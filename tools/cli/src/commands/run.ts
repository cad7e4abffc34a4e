import type { Command } from "commander";
import { parseInput } from "../parse-input.js";
import type { CommandContext } from "./command-context.js";
import { followRun } from "./follow-run.js";

interface RunOptions {
  task: string;
  input?: string;
  poll?: boolean;
}

export function registerRun(program: Command, context: CommandContext): void {
  program
    .command("run")
    .description("submit a task run and print its id; with --poll, follow it to its end")
    .requiredOption("--task <name>", "the task to run, e.g. nested-calls-test")
    .option("--input <json>", "the task's input as JSON (default {})")
    .option("--poll", "follow the run: live status on stderr, then the result (exit 1 unless completed)")
    .action(async (options: RunOptions) => {
      const input = parseInput(options.input);
      const startedAt = Date.now();
      const gateway = context.gateway();
      const submitted = await gateway.submit(options.task, input);
      context.io.out(`${submitted.taskRunId}\n`);
      if (options.poll) await followRun(gateway, submitted.taskRunId, context.io, startedAt);
    });
}
