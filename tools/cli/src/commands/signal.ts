import type { Command } from "commander";
import { CliError, EXIT_USAGE } from "../cli-error.js";
import type { CommandContext } from "./command-context.js";

/** The `--payload` option as a JSON value (null when left out); anything that is not JSON is a usage error naming `--payload`. */
export function parsePayload(text: string | undefined): unknown {
  if (text === undefined) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliError(`--payload must be JSON, e.g. --payload '{"approved":true}' (${reason})`, EXIT_USAGE);
  }
}

export function registerSignal(program: Command, context: CommandContext): void {
  program
    .command("signal")
    .description("send a run a signal: the oldest tools.signals.wait(name) not yet answered resolves with the payload")
    .argument("<id>", "the task run id")
    .argument("<name>", "the signal's name")
    .option("--payload <json>", "the payload as JSON (default null)")
    .action(async (id: string, name: string, options: { payload?: string }) => {
      const payload = parsePayload(options.payload);
      const sent = await context.gateway().signal(id, name, payload);
      context.io.out(`${id}  signal ${name} sent (signalId: ${sent.signalId})\n`);
    });
}
