import { MAX_LOG_LINE_CHARS, NUL_ESCAPE, storableText } from "@tasker/contracts";
import { ErrorCodes } from "./error-codes.js";
import type { SandboxLimits } from "./limits.js";
import { cutChars } from "./storable-text.js";
import type { LogLevel, LogLine } from "./types.js";

/** Ends a log line that was cut. */
const TRUNCATED_SUFFIX = "… (truncated)";
const LEVELS: ReadonlySet<string> = new Set<LogLevel>(["debug", "info", "warn", "error"]);

/** The bounds of a stack run's log: lines and UTF-8 bytes of the stored messages, per activation and per run. */
export type LogBounds = Pick<SandboxLimits, "logLinesPerActivation" | "logBytesPerActivation" | "logLinesPerRun" | "logBytesPerRun">;

type Tally = { lines: number; bytes: number };

/**
 * The log lines of one VM's activations on their way to `sink`: each made storable and bounded, and
 * kept while the activation and the run stay within `bounds`. A line over a bound is dropped, and so
 * is every later one of the activation: `write` answers `false` from then on, so that the VM stops
 * formatting lines and sending them (it counts them instead), and `end` reports every line dropped in
 * one last `warn` line with the code `LOG_LIMIT`. The run's tallies last as long as the VM: a VM
 * rebuilt by replay writes its journal's lines again with `live` false, which counts them without
 * emitting anything.
 */
export class ActivationLog {
  private readonly activation: Tally = { lines: 0, bytes: 0 };
  private readonly run: Tally = { lines: 0, bytes: 0 };
  private dropped = 0;

  constructor(
    private readonly bounds: LogBounds,
    private readonly stackRunId: string,
    private readonly sink: (line: LogLine) => void,
  ) {}

  begin(): void {
    this.activation.lines = 0;
    this.activation.bytes = 0;
    this.dropped = 0;
  }

  /**
   * `cutShort`: the prelude already cut the line to `MAX_LOG_LINE_CHARS`. A level that is not a
   * `LogLevel` (the prelude checks it with intrinsics the task can replace) is written as `info`.
   * Returns whether another line of this activation may follow.
   */
  write(level: string, message: string, cutShort: boolean, at: number, live: boolean): boolean {
    if (this.dropped > 0) {
      this.dropped += 1;
      return false;
    }
    const text = storableLogMessage(message, cutShort);
    const bytes = Buffer.byteLength(text, "utf8");
    if (!this.fits(this.activation, bytes, this.bounds.logLinesPerActivation, this.bounds.logBytesPerActivation) || !this.fits(this.run, bytes, this.bounds.logLinesPerRun, this.bounds.logBytesPerRun)) {
      this.dropped = 1;
      return false;
    }
    for (const tally of [this.activation, this.run]) {
      tally.lines += 1;
      tally.bytes += bytes;
    }
    if (live) this.sink({ level: LEVELS.has(level) ? (level as LogLevel) : "info", message: text, at, stackRunId: this.stackRunId });
    return true;
  }

  /**
   * Ends the activation: when lines were dropped (`droppedInVm` more were counted by the VM without
   * being sent), and it runs `live`, one `warn` line says how many and the bounds.
   */
  end(at: number, droppedInVm: number, live: boolean): void {
    const dropped = this.dropped + droppedInVm;
    if (dropped === 0 || !live) return;
    const { logLinesPerActivation, logBytesPerActivation, logLinesPerRun, logBytesPerRun } = this.bounds;
    const message =
      `${ErrorCodes.logLimit}: ${dropped} more log lines of this activation were dropped; at most ` +
      `${logLinesPerActivation} lines and ${sizeText(logBytesPerActivation)} per activation, ${logLinesPerRun} lines and ${sizeText(logBytesPerRun)} per run`;
    this.sink({ level: "warn", message, at, stackRunId: this.stackRunId });
  }

  private fits(tally: Tally, bytes: number, lines: number, maxBytes: number): boolean {
    return tally.lines < lines && tally.bytes + bytes <= maxBytes;
  }
}

/** `bytes` in MiB or KiB when it is a whole number of them. */
function sizeText(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/**
 * `message` as a log line is stored (`storableText`: `\u0000` escaped, an unpaired surrogate U+FFFD), and a line
 * longer than `MAX_LOG_LINE_CHARS` (or already cut) cut to end with `… (truncated)` within that bound.
 */
export function storableLogMessage(message: string, cutShort: boolean): string {
  const text = storableText(message);
  if (!cutShort && text.length <= MAX_LOG_LINE_CHARS) return text;
  return withoutPartialEscape(text, cutChars(text, MAX_LOG_LINE_CHARS - TRUNCATED_SUFFIX.length)) + TRUNCATED_SUFFIX;
}

/** `cut` (a beginning of `text`) without the start of a `\u0000` escape that the cut split. */
function withoutPartialEscape(text: string, cut: string): string {
  for (let start = Math.max(0, cut.length - NUL_ESCAPE.length + 1); start < cut.length; start++) {
    if (text.startsWith(NUL_ESCAPE, start)) return cut.slice(0, start);
  }
  return cut;
}
