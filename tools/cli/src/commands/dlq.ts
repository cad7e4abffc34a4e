import { JetStreamApiCodes, JetStreamApiError, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import type { Command } from "commander";
import { connectNats, eventStreamName } from "@tasker/bus";
import { EventStore, eventStoreMigrations, openDatabase } from "@tasker/event-store";
import type { TaskerConfig } from "@tasker/platform";
import type { DataSource } from "typeorm";
import { CliError, EXIT_USAGE } from "../cli-error.js";
import { deadLetterJson, deadLetterLine } from "../dead-letters/dead-letter-line.js";
import { replayDeadLetter } from "../dead-letters/replay-dead-letter.js";
import { storedDeadLetter, storedDeadLetters } from "../dead-letters/stored-dead-letters.js";
import { configFrom, endpointOf } from "../services/run-services.js";
import type { CommandContext } from "./command-context.js";

async function withNats<T>(config: TaskerConfig, work: (nats: NatsConnection) => Promise<T>): Promise<T> {
  const nats = await connectNats(config.NATS_URL, "tasker-dlq").catch(() => {
    throw new CliError(`cannot reach NATS at ${endpointOf(config.NATS_URL)} (NATS_URL)`);
  });
  try {
    return await work(nats).catch((error: unknown) => {
      if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound)) throw error;
      const prefix = config.TASKER_SUBJECT_PREFIX;
      throw new CliError(`NATS at ${endpointOf(config.NATS_URL)} (NATS_URL) has no stream ${eventStreamName(prefix)}: no service with TASKER_SUBJECT_PREFIX=${prefix} has started there`);
    });
  } finally {
    await nats.close();
  }
}

function deadLetterId(text: string): number {
  const id = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(id) || id < 1) throw new CliError(`"${text}" is not a dead letter id: give the number tasker dlq list shows`, EXIT_USAGE);
  return id;
}

export function registerDlq(program: Command, context: CommandContext): void {
  const dlq = program.command("dlq").description("dead letters: messages a service's consumer gave up on, kept under <prefix>.dlq.<service> in the JetStream stream at NATS_URL");
  dlq
    .command("list")
    .description("every dead letter, oldest first: id, time, service, deliveries, task run, original subject, error")
    .option("--service <name>", "only the dead letters of this service")
    .option("--json", "one JSON object per dead letter and line")
    .action(async (options: { service?: string; json?: boolean }) => {
      const config = configFrom(context.io.env);
      const count = await withNats(config, async (nats) => {
        let listed = 0;
        for await (const entry of storedDeadLetters(nats, config.TASKER_SUBJECT_PREFIX, options.service)) {
          context.io.out(options.json ? deadLetterJson(entry) : deadLetterLine(entry));
          listed++;
        }
        return listed;
      });
      if (count === 0) context.io.err(`tasker: no dead letters${options.service ? ` of service ${options.service}` : ""}\n`);
    });
  dlq
    .command("replay")
    .description("publish a dead letter's message again to its original subject, so that its consumer handles it again, then remove the dead letter")
    .argument("<id>", "the dead letter's id (tasker dlq list)")
    .action(async (idText: string) => {
      const id = deadLetterId(idText);
      const config = configFrom(context.io.env);
      // The event store is opened only for a message the stream no longer holds.
      let dataSource: DataSource | undefined;
      const loadEvent = async (streamId: string, version: number) => {
        dataSource ??= await openDatabase({ url: config.DATABASE_URL, migrations: eventStoreMigrations });
        return new EventStore({ dataSource }).readEvent(streamId, version);
      };
      try {
        await withNats(config, async (nats) => {
          const jsm = await jetstreamManager(nats);
          const entry = await storedDeadLetter(jsm, config.TASKER_SUBJECT_PREFIX, id);
          if (entry === undefined) throw new CliError(`DEAD_LETTER_NOT_FOUND: there is no dead letter ${id} (tasker dlq list shows them)`);
          const replay = await replayDeadLetter(nats, jsm, config.TASKER_SUBJECT_PREFIX, entry, loadEvent);
          const from = { stream: "the original message", store: "the event from the event store", "dead letter": "the event the dead letter holds" }[replay.source];
          const again = replay.duplicate ? " (it had been republished before)" : "";
          context.io.out(`replayed dead letter ${id} of ${entry.service}: republished ${from} to ${replay.subject}${again}, and removed the dead letter\n`);
        });
      } finally {
        await dataSource?.destroy();
      }
    });
}
