import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "@nats-io/transport-node";
import { freePort } from "./free-port.js";

/** A private `nats-server -js` a test may stop and start again (outage tests). */
export interface NatsServerProcess {
  readonly url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops the server and removes its JetStream directory. */
  dispose(): Promise<void>;
}


async function waitUntilAnswering(url: string, deadline: number): Promise<void> {
  for (;;) {
    try {
      const nc = await connect({ servers: url, reconnect: false });
      await nc.close();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

export async function startNatsServerProcess(binary = process.env["NATS_SERVER_BIN"] ?? "nats-server"): Promise<NatsServerProcess> {
  const port = await freePort();
  const storeDir = await mkdtemp(join(tmpdir(), "tasker-nats-"));
  const url = `nats://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const server: NatsServerProcess = {
    url,
    async start() {
      child = spawn(binary, ["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", storeDir], { stdio: "ignore" });
      await waitUntilAnswering(url, Date.now() + 10_000);
    },
    async stop() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      await new Promise((resolve) => {
        running.once("exit", resolve);
        running.kill("SIGTERM");
      });
    },
    async dispose() {
      await server.stop();
      await rm(storeDir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
