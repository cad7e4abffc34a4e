import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";

const bin = new URL("../bin/tasker.js", import.meta.url).pathname;

/** Runs the built `tasker` with its stdout's reader gone before it writes: as `tasker ... | head` when head has quit. */
function withStdoutClosed(...args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, TASKER_URL: "http://127.0.0.1:9" } });
  child.stdout.destroy();
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stderr })));
}

describe("tasker whose reader goes away", () => {
  it("ends quietly with exit code 0, no EPIPE stack trace", async () => {
    expect(await withStdoutClosed("publish", "--list")).toEqual({ code: 0, stderr: "" });
    expect(await withStdoutClosed("--help")).toEqual({ code: 0, stderr: "" });
  });

  it("still reports its own failure when stdout is gone but it wrote nothing there", async () => {
    const failed = await withStdoutClosed("list");
    expect(failed).toEqual({ code: 1, stderr: "tasker: cannot reach the gateway at http://127.0.0.1:9 (start it with npm start)\n" });
  });
});
