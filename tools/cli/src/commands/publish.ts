import type { Command } from "commander";
import { CliError, EXIT_USAGE } from "../cli-error.js";
import type { GatewayClient } from "../gateway/gateway-client.js";
import type { Io } from "../io.js";
import { shortVersion } from "../output/format.js";
import { table } from "../output/table.js";
import { scanTaskFiles, type TaskFile } from "../task-files/scan-task-files.js";
import { tasksFolder } from "../task-files/tasks-folder.js";
import type { CommandContext } from "./command-context.js";

interface PublishOptions {
  all?: boolean;
  specific?: string;
  list?: boolean;
  dir?: string;
}

/** Publishes `files` in order, printing `name  version`; the first rejected file stops the run. */
export async function publishFiles(gateway: GatewayClient, files: readonly TaskFile[], io: Io): Promise<void> {
  for (const file of files) {
    try {
      const published = await gateway.publish(file.name, file.code);
      io.out(`${published.name}  ${shortVersion(published.version)}\n`);
    } catch (error) {
      if (error instanceof CliError) throw new CliError(`${file.name} (${file.path}): ${error.message}`, error.exitCode);
      throw error;
    }
  }
}

export function registerPublish(program: Command, context: CommandContext): void {
  program
    .command("publish")
    .description("publish task files from the tasks folder (every *.js below it; the name is the path without .js)")
    .option("--all", "publish every task file")
    .option("--specific <name>", "publish one task, e.g. nested-calls-test or shared/gapi-helper")
    .option("--list", "list what would be published, with descriptions")
    .option("--dir <folder>", "the tasks folder (default: ./tasks, else the repository's examples)")
    .action(async (options: PublishOptions) => {
      const chosen = [options.all, options.specific !== undefined, options.list].filter(Boolean).length;
      if (chosen !== 1) throw new CliError("publish needs exactly one of --all, --specific NAME, --list", EXIT_USAGE);
      const folder = tasksFolder(options.dir);
      const files = await scanTaskFiles(folder).catch((error: NodeJS.ErrnoException) => {
        throw new CliError(`cannot read the tasks folder ${folder}: ${error.code ?? error.message}`);
      });
      if (options.list) {
        context.io.out(table(["NAME", "DESCRIPTION"], files.map((file) => [file.name, file.description])));
        return;
      }
      const selected = options.all ? files : files.filter((file) => file.name === options.specific);
      if (selected.length === 0) {
        const known = files.map((file) => file.name).join(", ");
        throw new CliError(`no task file named ${options.specific} in ${folder} (there are: ${known || "none"})`, EXIT_USAGE);
      }
      await publishFiles(context.gateway(), selected, context.io);
    });
}
