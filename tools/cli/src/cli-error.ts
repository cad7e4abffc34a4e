/**
 * Exit codes of `tasker`: 1 for a failure (a failed run, an unreachable gateway), 2 for a usage error,
 * 3 for a run that ended cancelled (`tasker run --poll`).
 */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_CANCELLED = 3;

/** An error the CLI reports as one line (`tasker: <message>`) before exiting with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILURE,
  ) {
    super(message);
    this.name = "CliError";
  }
}
