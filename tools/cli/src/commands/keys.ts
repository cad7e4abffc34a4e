import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { eventStoreMigrations, openDatabase } from "@tasker/event-store";
import { readModelMigrations } from "@tasker/read-models";
import { isSecretsError, type MasterKeys, masterKeysFrom, SecretStore, secretsMigrations } from "@tasker/secrets";
import { CliError, EXIT_USAGE } from "../cli-error.js";
import { configFrom } from "../services/run-services.js";
import type { CommandContext } from "./command-context.js";

interface SetOptions {
  value?: string;
  file?: string;
}

/** The value of `keys set`: `--value`, the whole of `--file`, or standard input; one at most. */
async function valueOf(options: SetOptions, context: CommandContext): Promise<string> {
  if (options.value !== undefined && options.file !== undefined) throw new CliError("give the value by --value or --file, not both", EXIT_USAGE);
  if (options.value !== undefined) return options.value;
  if (options.file !== undefined) {
    return readFile(options.file, "utf8").catch((error: NodeJS.ErrnoException) => {
      throw new CliError(`cannot read ${options.file}: ${error.code ?? error.message}`);
    });
  }
  return context.io.readStdin();
}

/** `tasker keys rotate`: re-seals, at DATABASE_URL, what is under TASKER_PREVIOUS_MASTER_KEY. */
async function rotate(context: CommandContext): Promise<void> {
  const config = configFrom(context.io.env);
  let keys: MasterKeys;
  try {
    keys = masterKeysFrom(config);
  } catch (error) {
    throw isSecretsError(error) ? new CliError(error.message) : error;
  }
  const dataSource = await openDatabase({
    url: config.DATABASE_URL,
    migrations: [...eventStoreMigrations, ...readModelMigrations, ...secretsMigrations],
  });
  try {
    const { rotated } = await new SecretStore({ dataSource, keys: () => keys }).rotate();
    context.io.out(`re-encrypted ${rotated} secret${rotated === 1 ? "" : "s"} under key ${keys.currentKeyId}\n`);
    context.io.err(
      `runs that read secrets before now keep them sealed under key ${keys.previousKeyId ?? "(none)"}: keep it as TASKER_PREVIOUS_MASTER_KEY on the executors until those runs have ended\n`,
    );
  } catch (error) {
    throw isSecretsError(error) ? new CliError(error.message) : error;
  } finally {
    await dataSource.destroy();
  }
}

export function registerKeys(program: Command, context: CommandContext): void {
  const keys = program
    .command("keys")
    .description("secrets for tasks (tools.keystore) of the API key's namespace, sealed at rest under TASKER_MASTER_KEY; needs an admin key (or, with TASKER_AUTH=off, TASKER_ADMIN_TOKEN when set)");
  keys
    .command("set <name>")
    .description("create or replace a secret; its value from --value, --file, or standard input (as is, no newline trimmed)")
    .option("--value <value>", "the value (visible in the shell's history and the process list: prefer --file or stdin)")
    .option("--file <path>", "read the value from this file")
    .action(async (name: string, options: SetOptions) => {
      await context.gateway().setKey(name, await valueOf(options, context));
      context.io.err(`set ${name}\n`);
    });
  keys
    .command("list")
    .description("the secrets' names and when each was last set; never their values")
    .action(async () => {
      for (const { name, updatedAt } of await context.gateway().listKeys()) context.io.out(`${name}  ${updatedAt}\n`);
    });
  keys
    .command("delete <name>")
    .description("delete a secret")
    .action(async (name: string) => {
      await context.gateway().deleteKey(name);
      context.io.err(`deleted ${name}\n`);
    });
  keys
    .command("rotate")
    .description(
      "re-encrypt every secret under TASKER_MASTER_KEY, reading those sealed under TASKER_PREVIOUS_MASTER_KEY; opens DATABASE_URL directly",
    )
    .action(() => rotate(context));
}
