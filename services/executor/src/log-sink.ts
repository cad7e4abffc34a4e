import type { LogLine } from "@tasker/sandbox";

/** Collects a VM's log lines for the activation under way; a VM keeps one sink for its whole life. */
export class LogSink {
  private lines: LogLine[] = [];

  readonly write = (line: LogLine): void => {
    this.lines.push(line);
  };

  /** The lines since the last take. */
  take(): LogLine[] {
    const lines = this.lines;
    this.lines = [];
    return lines;
  }
}
