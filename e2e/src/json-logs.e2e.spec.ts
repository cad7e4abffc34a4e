import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { newId, runStreamId } from "@tasker/contracts";
import { eventually, startServiceProcess, TASKER_CLI, TaskerSystem } from "@tasker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** `TASKER_LOG_FORMAT=json`: services log one JSON object per line, naming the run they were handling. */
let tasker: TaskerSystem;
let nc: NatsConnection;

/** What `tasker start` itself prints for its user (not a log): where the services listen. */
const CLI_LINE = /^(started \S+( on \S+)?|health on \S+)$/;

interface LogLine {
  time: string;
  level: string;
  service: string;
  message: string;
  context: string | null;
  taskRunId?: string;
  stackRunId?: string;
}

beforeAll(async () => {
  tasker = await TaskerSystem.start({ TASKER_LOG_FORMAT: "json" }, { gateway: "gateway", executor: "executor" });
  nc = await connect({ servers: tasker.env.natsUrl });
});

afterAll(async () => {
  await nc?.close();
  await tasker?.stop();
});

describe("TASKER_LOG_FORMAT=json", () => {
  it("writes only JSON lines with time, level, service and message, and a line written while handling a run names it", async () => {
    // A call of a run this deployment does not know: the executor reports it (an error) while handling it.
    const taskRunId = newId();
    const stackRunId = newId();
    const event = {
      type: "stack.created",
      data: { stackRunId, parentStackRunId: null, seq: null, service: "tasks", method: ["execute"], args: ["echo", {}], depth: 0, taskVersion: null },
      metadata: { eventId: newId(), streamId: runStreamId(taskRunId), streamVersion: 2, position: 1, recordedAt: new Date().toISOString(), traceparent: null, causationId: null, correlationId: taskRunId },
    };
    nc.publish(`${tasker.env.prefix}.run.${taskRunId}.stack.created.tasks`, JSON.stringify(event));
    const executor = tasker.processes.get("executor")!;
    await eventually(() => executor.output().includes(taskRunId), "the executor logged about the run");
    const outputs = [...tasker.processes.values()].map((process) => process.output());
    // Stopped: the shutdown is logged too.
    await executor.kill("SIGTERM");

    const lines = [executor.output(), ...outputs.slice(1)].flatMap((output) => output.split("\n")).filter((line) => line !== "" && !CLI_LINE.test(line));
    expect(lines.length).toBeGreaterThan(0);
    const logs = lines.map((line) => {
      expect(() => JSON.parse(line), line).not.toThrow();
      return JSON.parse(line) as LogLine;
    });
    for (const log of logs) {
      expect(Date.parse(log.time)).not.toBeNaN();
      expect(["info", "warn", "error", "fatal", "debug", "verbose"]).toContain(log.level);
      expect(log.service).toEqual(expect.any(String));
      expect(log.message).toEqual(expect.any(String));
    }
    const aboutRun = logs.find((log) => log.message.includes(taskRunId));
    expect(aboutRun).toMatchObject({ level: "error", service: "executor", taskRunId, stackRunId });
    expect(logs.some((log) => log.service === "executor" && log.message.includes("SIGTERM"))).toBe(true);
  });

  it("says in one JSON line why a service cannot start, through tasker start and through its own main.js: a server down, a bad variable", () => {
    const executorMain = fileURLToPath(new URL("../../services/executor/dist/main.js", import.meta.url));
    const base = { DATABASE_URL: tasker.env.databaseUrl, NATS_URL: tasker.env.natsUrl, TASKER_SUBJECT_PREFIX: tasker.env.prefix, TASKER_LOG_FORMAT: "json" };
    const failures = [
      { env: { ...base, DATABASE_URL: "postgres://postgres@127.0.0.1:1/tasker" }, names: /127\.0\.0\.1:1|ECONNREFUSED/ },
      { env: { ...base, HEALTH_PORT: "not-a-port" }, names: /HEALTH_PORT/ },
    ];
    for (const { env, names } of failures) {
      for (const argv of [[TASKER_CLI, "start", "executor"], [executorMain]]) {
        const child = spawnSync(process.execPath, argv, { env: { ...process.env, ...env }, encoding: "utf8", timeout: 30_000 });
        const lines = `${child.stdout}${child.stderr}`.split("\n").filter((line) => line !== "");
        const what = `${argv.join(" ")} with ${JSON.stringify(env)}:\n${lines.join("\n")}`;
        expect(child.status, what).toBe(1);
        expect(lines, what).toHaveLength(1);
        expect(() => JSON.parse(lines[0]!), what).not.toThrow();
        const log = JSON.parse(lines[0]!) as LogLine;
        expect(log, what).toMatchObject({ level: "fatal", service: "executor" });
        expect(log.message, what).toMatch(names);
      }
    }
  });

  it("refuses another value at start, naming TASKER_LOG_FORMAT", async () => {
    const env = { DATABASE_URL: tasker.env.databaseUrl, NATS_URL: tasker.env.natsUrl, TASKER_SUBJECT_PREFIX: tasker.env.prefix, TASKER_LOG_FORMAT: "yaml" };
    await expect(startServiceProcess(["executor"], env, 10_000)).rejects.toThrow(/TASKER_LOG_FORMAT: must be text or json/);
  });
});
