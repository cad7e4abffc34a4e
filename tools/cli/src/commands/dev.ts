import type { Command } from "commander";
import { chooseDatabase } from "../dev/choose-database.js";
import { devMasterKey } from "../dev/dev-master-key.js";
import { ensureNats } from "../dev/embedded-nats.js";
import { GatewayClient, DEFAULT_GATEWAY_URL } from "../gateway/gateway-client.js";
import { CliError } from "../cli-error.js";
import { KNOWN_SERVICES, loadServices } from "../services/known-services.js";
import { configFrom, gatewayUrlOf, runServices } from "../services/run-services.js";
import { scanTaskFiles } from "../task-files/scan-task-files.js";
import { tasksFolder } from "../task-files/tasks-folder.js";
import type { CommandContext } from "./command-context.js";
import { publishFiles } from "./publish.js";

interface DevOptions {
  dir?: string;
  dataDir: string;
}

export function registerDev(program: Command, context: CommandContext): void {
  program
    .command("dev")
    .description(
      "run every service in this process with the example tasks published; starts a local nats-server when NATS does not answer, and uses an embedded database when PostgreSQL does not",
    )
    .option("--dir <folder>", "the tasks folder to publish (default: ./tasks, else the repository's examples)")
    .option("--data-dir <folder>", "where an embedded nats-server and the embedded database keep their data", ".tasker")
    .action(async (options: DevOptions) => {
      const { io } = context;
      const configured = configFrom(io.env);
      const database = await chooseDatabase(io.env, configured, options.dataDir);
      let masterKey = configured.TASKER_MASTER_KEY;
      if (masterKey === undefined) {
        const made = await devMasterKey(options.dataDir);
        io.err(`TASKER_MASTER_KEY is not set: secrets are sealed under the key in ${made.path} (${made.created ? "created now" : "kept from an earlier start"})\n`);
        masterKey = made.key;
      }
      const config = { ...configured, DATABASE_URL: database.url, TASKER_MASTER_KEY: masterKey };
      if (database.embedded) io.out(`PostgreSQL does not answer: using the embedded database in ${database.url.slice("pglite://".length)}\n`);
      const nats = await ensureNats(config.NATS_URL, options.dataDir);
      if (nats) io.out(`started nats-server (pid ${nats.pid}) on ${config.NATS_URL}, data in ${options.dataDir}/nats\n`);
      const stopNats = async () => nats?.stop();
      const definitions = await loadServices(KNOWN_SERVICES);
      const handle = await runServices(config, definitions, "tasker-dev", io, stopNats).catch(async (error: unknown) => {
        await stopNats();
        throw error;
      });
      const url = gatewayUrlOf(handle)!;
      const files = await scanTaskFiles(tasksFolder(options.dir));
      await publishFiles(new GatewayClient(url), files, io).catch((error: unknown) => {
        // The services keep running: a rejected example is fixed and republished with `tasker publish`.
        if (!(error instanceof CliError)) throw error;
        io.err(`tasker: publishing the examples stopped: ${error.message}\n`);
      });
      const prefix = url === DEFAULT_GATEWAY_URL ? "" : `TASKER_URL=${url} `;
      io.out(
        [
          "",
          `Tasker is running: gateway on ${url}, ${files.length} example tasks published, executor VM cache ${config.TASKER_VM_CACHE_SIZE} VMs.`,
          "Try, in another terminal:",
          `  ${prefix}npx tasker run --task nested-calls-test --input '{"depth":3}' --poll`,
          `  ${prefix}npx tasker list`,
          `and watch the runs in the run inspector: ${url}/ui`,
          "Ctrl-C stops it.",
          "",
        ].join("\n"),
      );
    });
}
