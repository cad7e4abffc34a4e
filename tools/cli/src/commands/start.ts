import { logStartFailure } from "@tasker/platform";
import type { Command } from "commander";
import { CliError } from "../cli-error.js";
import { loadServices } from "../services/known-services.js";
import { configFrom, runServices } from "../services/run-services.js";
import type { CommandContext } from "./command-context.js";

export function registerStart(program: Command, context: CommandContext): void {
  program
    .command("start")
    .description("run the named services in this process (gateway, executor, stack-processor, timers) against NATS_URL and DATABASE_URL")
    .argument("<service...>", "the services to run")
    .action(async (names: string[]) => {
      const definitions = await loadServices(names);
      const name = `tasker-${names.join("-")}`;
      try {
        await runServices(configFrom(context.io.env), definitions, name, context.io);
      } catch (error) {
        // With TASKER_LOG_FORMAT=json the reason is a log line as the services' are: the container's log is JSON only.
        if (!(error instanceof CliError) || context.io.env["TASKER_LOG_FORMAT"] !== "json") throw error;
        logStartFailure(context.io.env, names.length === 1 ? names[0]! : name, error.message);
        throw new CliError(error.message, error.exitCode, true);
      }
    });
}
