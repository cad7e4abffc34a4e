/** Where a command writes: results on `out` (stdout), progress and errors on `err` (stderr). */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Whether stderr is a terminal: a live status line is rewritten in place only then. */
  readonly errIsTty: boolean;
  /** The terminal's width, when stderr is a terminal: a rewritten line must not wrap. */
  readonly errColumns?: number;
  readonly env: Record<string, string | undefined>;
  /** Reads standard input to its end, as UTF-8: for a value a command takes from a pipe. */
  readStdin(): Promise<string>;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  errIsTty: process.stderr.isTTY === true,
  get errColumns() {
    return process.stderr.columns;
  },
  env: process.env,
  async readStdin() {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
    return Buffer.concat(chunks).toString("utf8");
  },
};
