import type { Command } from "commander";
import { DEFAULT_NAMESPACE, Namespace } from "@tasker/contracts";
import { CliError, EXIT_USAGE } from "../cli-error.js";
import { configFrom, endpointOf } from "../services/run-services.js";
import type { CommandContext } from "./command-context.js";

/**
 * `tasker db migrate DIR [--namespace NS]`: applies DIR's `*.sql` files to the tables' schema of
 * namespace NS (default `default`: `TASKER_DATA_SCHEMA`; see `schemaFor`) at `TASKER_DATA_DATABASE_URL`
 * (default `DATABASE_URL`). Prints `applied <file>` or `already applied <file>` per file, then a summary.
 */
async function migrate(dir: string, options: { namespace: string }, context: CommandContext): Promise<void> {
  const namespace = Namespace.safeParse(options.namespace);
  if (!namespace.success) throw new CliError(`--namespace: ${namespace.error.issues[0]!.message}`, EXIT_USAGE);
  // Imported here, not with the command's definition: its SQL query builder (knex) would otherwise load
  // with every `tasker` command, `tasker start <service>` among them, for a tenth of a second.
  const { loadDatabaseConfig, MigrationError, migrateSchema, schemaFor, unreachableReason } = await import("@tasker/database-proxy");
  const config = configFrom(context.io.env);
  let data;
  try {
    data = loadDatabaseConfig(config.DATABASE_URL, context.io.env);
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error));
  }
  const unreachable = unreachableReason(data);
  if (unreachable !== undefined) throw new CliError(unreachable);
  const schema = schemaFor(data.schema, namespace.data);
  try {
    const outcomes = await migrateSchema(data.url, schema, dir, (outcome) => context.io.out(`${outcome.status} ${outcome.name}\n`));
    const applied = outcomes.filter((outcome) => outcome.status === "applied").length;
    context.io.out(`${schema}: ${applied} applied, ${outcomes.length - applied} already applied\n`);
  } catch (error) {
    if (error instanceof MigrationError) throw new CliError(`migration ${error.message}`);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") throw new CliError(`cannot read the migrations folder ${dir}: ${code}`);
    throw new CliError(`cannot migrate ${schema} at ${endpointOf(data.url)}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function registerDb(program: Command, context: CommandContext): void {
  program
    .command("db")
    .description("the tasks' own tables (tools.database / tools.supabase)")
    .command("migrate")
    .description("apply DIR's *.sql files, in name order, each once, to the tables' schema at TASKER_DATA_DATABASE_URL (default DATABASE_URL)")
    .argument("<dir>", "the folder of migration files (001_notes.sql, ...)")
    .option("--namespace <ns>", "the namespace whose schema to migrate", DEFAULT_NAMESPACE)
    .action((dir: string, options: { namespace: string }) => migrate(dir, options, context));
}
