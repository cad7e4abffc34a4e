import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { connect } from "node:net";
import { join, resolve } from "node:path";
import { CliError } from "../cli-error.js";

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "::1", "[::1]", "0.0.0.0"]);

/** A `nats-server` this process started; `stop()` ends it and waits for its exit. */
export interface OwnedNatsServer {
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

/** Whether something accepts TCP connections on `host:port` within `timeoutMs`. */
export function answers(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: host.replace(/^\[|\]$/g, ""), port });
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once("connect", () => finish(true)).once("error", () => finish(false));
  });
}

/**
 * Makes NATS answer at `natsUrl`: nothing to do when it answers; for a local address, starts
 * `nats-server -js` with its store in `<dataDir>/nats` and returns it (owned by the caller); for a
 * remote one, fails. A missing binary fails saying how to install it.
 */
export async function ensureNats(natsUrl: string, dataDir: string): Promise<OwnedNatsServer | undefined> {
  const url = new URL(natsUrl);
  const port = Number(url.port || 4222);
  if (await answers(url.hostname, port)) return undefined;
  if (!LOCAL_HOSTS.has(url.hostname)) throw new CliError(`NATS does not answer at ${url.hostname}:${port} (NATS_URL)`);
  const storeDir = resolve(dataDir, "nats");
  mkdirSync(storeDir, { recursive: true });
  const log = openSync(join(dataDir, "nats-server.log"), "a");
  const child = spawn("nats-server", ["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", storeDir], { stdio: ["ignore", log, log] });
  closeSync(log);
  // Owned: if this process ends without closing its services, the server still goes with it.
  const orphanGuard = () => child.kill();
  process.once("exit", orphanGuard);
  const exited = new Promise<NodeJS.ErrnoException | number | null>((done) => {
    child.once("error", done);
    child.once("exit", (code) => done(code));
  });
  const outcome = await Promise.race([exited, waitForPort(port, Date.now() + 10_000)]);
  if (outcome !== "answering") {
    child.kill();
    process.off("exit", orphanGuard);
    if (typeof outcome === "object" && outcome?.code === "ENOENT") {
      throw new CliError("NATS does not answer and nats-server is not installed: apt-get install nats-server (or set NATS_URL to a running server)");
    }
    throw new CliError(`nats-server did not start on 127.0.0.1:${port}; see ${join(dataDir, "nats-server.log")}`);
  }
  return {
    pid: child.pid,
    stop: async () => {
      await stopChild(child, exited);
      process.off("exit", orphanGuard);
    },
  };
}

async function waitForPort(port: number, deadline: number): Promise<"answering" | "timeout"> {
  while (Date.now() < deadline) {
    if (await answers("127.0.0.1", port)) return "answering";
    await new Promise((done) => setTimeout(done, 100));
  }
  return "timeout";
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const killer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(killer);
}
