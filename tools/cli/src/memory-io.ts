import type { Io } from "./io.js";

/** An `Io` that keeps what a command wrote: for running `tasker` inside tests and tools. */
export interface MemoryIo extends Io {
  readonly stdout: string;
  readonly stderr: string;
}

/** `stdin` is what `readStdin` answers: standard input as a pipe would give it. */
export function memoryIo(env: Record<string, string | undefined> = {}, stdin = ""): MemoryIo {
  let stdout = "";
  let stderr = "";
  return {
    out: (text) => void (stdout += text),
    err: (text) => void (stderr += text),
    errIsTty: false,
    env,
    readStdin: async () => stdin,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
  };
}
