import type { Command } from "commander";
import { prettyJson } from "../output/format.js";
import { parseInput } from "../parse-input.js";
import type { CommandContext } from "./command-context.js";
import { followRun, reportEnd } from "./follow-run.js";

interface RunOptions {
  task: string;
  input?: string;
  poll?: boolean;
  json?: boolean;
}

export function registerRun(program: Command, context: CommandContext): void {
  program
    .command("run")
    .description("submit a task run and print its id; with --poll, follow it to its end and print its result")
    .requiredOption("--task <name>", "the task to run, e.g. nested-calls-test")
    .option("--input <json>", "the task's input as JSON (default {})")
    .option("--poll", "follow the run: its id and a live status on stderr, then the result alone on stdout (exit 0 completed, 1 failed, 3 cancelled)")
    .option("--json", "print the run as one JSON document (the body of GET /tasks/:id): at its end with --poll, else as just submitted")
    .action(async (options: RunOptions) => {
      const input = parseInput(options.input);
      const startedAt = Date.now();
      const gateway = context.gateway();
      const { taskRunId } = await gateway.submit(options.task, input);
      if (options.poll) {
        context.io.err(`${taskRunId}\n`);
        reportEnd(await followRun(gateway, taskRunId, context.io, startedAt), context.io, options.json);
      } else if (options.json) {
        context.io.out(`${prettyJson(await gateway.run(taskRunId))}\n`);
      } else {
        context.io.out(`${taskRunId}\n`);
      }
    });
}
