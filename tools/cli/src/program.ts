import { Command } from "commander";
import { registerAuth } from "./commands/auth.js";
import { registerCancel } from "./commands/cancel.js";
import { commandContext } from "./commands/command-context.js";
import { registerDb } from "./commands/db.js";
import { registerDev } from "./commands/dev.js";
import { registerDlq } from "./commands/dlq.js";
import { registerEvents } from "./commands/events.js";
import { registerKeys } from "./commands/keys.js";
import { registerList } from "./commands/list.js";
import { registerLogs } from "./commands/logs.js";
import { registerProjections } from "./commands/projections.js";
import { registerPublish } from "./commands/publish.js";
import { registerReplay } from "./commands/replay.js";
import { registerRun } from "./commands/run.js";
import { registerSignal } from "./commands/signal.js";
import { registerStart } from "./commands/start.js";
import { registerStatus } from "./commands/status.js";
import type { Io } from "./io.js";

/** The `tasker` command with every subcommand, writing to `io`; commander errors throw instead of exiting. */
export function buildProgram(io: Io): Command {
  const program = new Command("tasker")
    .description("Tasker: publish and run durable tasks (talks to the gateway at TASKER_URL, default http://127.0.0.1:3000)")
    .option("--api-key <key>", "the API key sent as Authorization: Bearer (default: TASKER_API_KEY, else TASKER_ADMIN_TOKEN)")
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text) });
  const context = commandContext(io, () => program.opts<{ apiKey?: string }>().apiKey);
  for (const register of [registerPublish, registerList, registerRun, registerStatus, registerLogs, registerEvents, registerReplay, registerCancel, registerSignal, registerStart, registerDev, registerProjections, registerDlq, registerKeys, registerAuth, registerDb]) {
    register(program, context);
  }
  for (const command of program.commands) command.exitOverride().configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text) });
  return program;
}
