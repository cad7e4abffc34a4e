import { CommanderError } from "commander";
import { CliError, EXIT_FAILURE, EXIT_USAGE } from "./cli-error.js";
import type { Io } from "./io.js";
import { buildProgram } from "./program.js";

/**
 * Runs `tasker` with `argv` (user arguments only) and resolves to its exit code: 0 on success, 1 on a
 * failure, 2 on a usage error, 3 for a run that ended cancelled. Errors are printed as one `tasker: ...` line; nothing here exits.
 */
export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  try {
    await buildProgram(io).parseAsync([...argv], { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander printed its message already; help and version end with code 0.
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (error instanceof CliError) {
      if (!error.logged) io.err(`tasker: ${error.message}\n`);
      return error.exitCode;
    }
    io.err(`tasker: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT_FAILURE;
  }
}
