import type { Command } from "commander";
import { runStreamId } from "@tasker/contracts";
import { EventStore, eventStoreMigrations, openDatabase } from "@tasker/event-store";
import { readModelMigrations } from "@tasker/read-models";
import { configFrom } from "../services/run-services.js";
import type { CommandContext } from "./command-context.js";

export function registerEvents(program: Command, context: CommandContext): void {
  program
    .command("events")
    .description("a run's whole history from the event store at DATABASE_URL: one line per event, in order")
    .argument("<id>", "the task run id")
    .action(async (id: string) => {
      const config = configFrom(context.io.env);
      const dataSource = await openDatabase({ url: config.DATABASE_URL, migrations: [...eventStoreMigrations, ...readModelMigrations] });
      try {
        const events = await new EventStore({ dataSource }).readStream(runStreamId(id));
        if (events.length === 0) context.io.err(`tasker: no events for run ${id}\n`);
        for (const event of events) {
          context.io.out(`${String(event.metadata.streamVersion).padStart(4)}  ${event.metadata.recordedAt}  ${event.type.padEnd(20)}  ${JSON.stringify(event.data)}\n`);
        }
      } finally {
        await dataSource.destroy();
      }
    });
}
