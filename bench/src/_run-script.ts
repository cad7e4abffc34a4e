import { spawn } from "node:child_process";

/**
 * Runs `command` with `args` to its end, passing its stdout through to ours as it comes and its
 * stderr straight to ours; returns everything it printed on stdout. Rejects naming the command when
 * it cannot start or exits other than with 0.
 */
export function runScript(command: string, args: readonly string[] = []): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"] });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      process.stdout.write(chunk);
    });
    child.on("error", (error) => reject(new Error(`${command} could not start: ${error.message}`)));
    child.on("close", (code, signal) => {
      if (code === 0) resolve(Buffer.concat(chunks).toString("utf8"));
      else reject(new Error(`${command} ended with ${signal ?? `exit code ${code}`}`));
    });
  });
}
