import type { Command } from "commander";
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
      const config = configFrom(context.io.env);
      await runServices(config, definitions, `tasker-${names.join("-")}`, context.io);
    });
}
