/**
 * Exit codes of `tasker`: 1 for a failure (a failed run, an unreachable gateway), 2 for a usage error,
 * 3 for a run that ended cancelled (`tasker run --poll`).
 */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_CANCELLED = 3;

/**
 * An error the CLI reports as one line (`tasker: <message>`) before exiting with `exitCode`; when
 * `logged`, it was reported already as a log line (`tasker start` with `TASKER_LOG_FORMAT=json`) and
 * the CLI prints nothing more.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILURE,
    readonly logged = false,
  ) {
    super(message);
    this.name = "CliError";
  }
}
