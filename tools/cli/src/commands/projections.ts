import type { Command } from "commander";
import { EventStore, eventStoreMigrations, openDatabase } from "@tasker/event-store";
import { readModelMigrations, readModelsProjection } from "@tasker/read-models";
import { configFrom } from "../services/run-services.js";
import type { CommandContext } from "./command-context.js";

export function registerProjections(program: Command, context: CommandContext): void {
  program
    .command("projections")
    .description("the read models (task_functions, task_runs, task_run_logs, stack_runs)")
    .command("rebuild")
    .description("empty every read model and replay all events into it, at DATABASE_URL (appends wait meanwhile)")
    .action(async () => {
      const config = configFrom(context.io.env);
      const dataSource = await openDatabase({ url: config.DATABASE_URL, migrations: [...eventStoreMigrations, ...readModelMigrations] });
      try {
        const replayed = await new EventStore({ dataSource, projections: [readModelsProjection] }).rebuildProjections();
        context.io.out(`rebuilt the read models from ${replayed} events\n`);
      } finally {
        await dataSource.destroy();
      }
    });
}
