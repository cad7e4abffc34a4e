import type { Io } from "./io.js";

/** An `Io` that keeps what a command wrote: for running `tasker` inside tests and tools. */
export interface MemoryIo extends Io {
  readonly stdout: string;
  readonly stderr: string;
}

export function memoryIo(env: Record<string, string | undefined> = {}): MemoryIo {
  let stdout = "";
  let stderr = "";
  return {
    out: (text) => void (stdout += text),
    err: (text) => void (stderr += text),
    errIsTty: false,
    env,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
  };
}
