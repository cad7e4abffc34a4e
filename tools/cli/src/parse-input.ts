import { CliError, EXIT_USAGE } from "./cli-error.js";

/** The `--input` option as a JSON value; anything that is not JSON is a usage error naming `--input`. */
export function parseInput(text: string | undefined): unknown {
  if (text === undefined) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliError(`--input must be JSON, e.g. --input '{"depth":3}' (${reason})`, EXIT_USAGE);
  }
}
