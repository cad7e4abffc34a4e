import { type ChildProcess, spawn } from "node:child_process";
import { residentBytes } from "./resident-memory.js";
import { fileURLToPath } from "node:url";

/** The built `tasker` command (`npm run build` first). */
export const TASKER_CLI = fileURLToPath(new URL("../../../tools/cli/dist/main.js", import.meta.url));

/**
 * Service processes started here and still running, killed when this process exits first (a test or
 * benchmark that throws, a closed pipe; a SIGKILL of this process leaves them): otherwise they outlive
 * it, busy with their watchdogs and sweeps, beside whatever runs next on the machine.
 */
const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** Services running in a child process of their own, as `tasker start <names...>` runs them in production. */
export interface ServiceProcess {
  readonly names: readonly string[];
  /** The child's process id (to read its `/proc/<pid>/status`). */
  readonly pid: number;
  /** The gateway's URL, when the process runs the gateway. */
  readonly gatewayUrl: string | undefined;
  /** Where its `/health` and `/metrics` server listens (`http://host:port`), when `HEALTH_PORT` is set. */
  readonly healthUrl: string | undefined;
  /** Everything the process printed so far. */
  output(): string;
  /** Its resident set (`VmRSS` of `/proc/<pid>/status`, Linux), in bytes. */
  rssBytes(): Promise<number>;
  /** Ends the process with `signal` (SIGKILL: as a crash would) and waits until it is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts `tasker start <names...>` with `env` and waits until it printed `started <name>` for each
 * (and, with `HEALTH_PORT`, where its health server listens).
 */
export async function startServiceProcess(names: readonly string[], env: Record<string, string>, timeoutMs = 30_000): Promise<ServiceProcess> {
  const child: ChildProcess = spawn(process.execPath, [TASKER_CLI, "start", ...names], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => {
      running.delete(child);
      resolve();
    }),
  );
  const serving = env.HEALTH_PORT === undefined ? () => true : () => /^health on \S+\/health$/m.test(output);
  const ready = () => names.every((name) => new RegExp(`^started ${name}\\b`, "m").test(output)) && serving();
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`tasker start ${names.join(" ")} did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    names,
    pid: child.pid!,
    gatewayUrl: /^started gateway on (\S+)/m.exec(output)?.[1],
    healthUrl: /^health on (\S+)\/health$/m.exec(output)?.[1],
    output: () => output,
    rssBytes: () => residentBytes(child.pid!),
    async kill(signal: NodeJS.Signals = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
