import { MAX_LOG_LINE_CHARS, NUL_ESCAPE, storableText } from "@tasker/contracts";
import { cutChars } from "./storable-text.js";
import type { LogLevel, LogLine } from "./types.js";

/** Ends a log line that was cut. */
const TRUNCATED_SUFFIX = "… (truncated)";
const LEVELS: ReadonlySet<string> = new Set<LogLevel>(["debug", "info", "warn", "error"]);

/**
 * The log lines of one VM's activations on their way to `sink`: each made storable and bounded, at
 * most `linesPerActivation` of them per activation. Lines over that are dropped, and `end` reports how
 * many in one last `warn` line.
 */
export class ActivationLog {
  private written = 0;
  private dropped = 0;

  constructor(
    private readonly linesPerActivation: number,
    private readonly stackRunId: string,
    private readonly sink: (line: LogLine) => void,
  ) {}

  begin(): void {
    this.written = 0;
    this.dropped = 0;
  }

  /**
   * `cutShort`: the prelude already cut the line to `MAX_LOG_LINE_CHARS`. A level that is not a
   * `LogLevel` (the prelude checks it with intrinsics the task can replace) is written as `info`.
   */
  write(level: string, message: string, cutShort: boolean, at: number): void {
    if (this.written >= this.linesPerActivation) {
      this.dropped += 1;
      return;
    }
    this.written += 1;
    const known = LEVELS.has(level) ? (level as LogLevel) : "info";
    this.sink({ level: known, message: storableLogMessage(message, cutShort), at, stackRunId: this.stackRunId });
  }

  /** Ends the activation: one `warn` line if lines were dropped. */
  end(at: number): void {
    if (this.dropped === 0) return;
    const message = `${this.dropped} more log lines of this activation were dropped: an activation may write ${this.linesPerActivation} (logLinesPerActivation)`;
    this.sink({ level: "warn", message, at, stackRunId: this.stackRunId });
  }
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
