import { connect, type NatsConnection } from "@nats-io/transport-node";
import { newId, runStreamId } from "@tasker/contracts";
import { eventually, startServiceProcess, TaskerSystem } from "@tasker/testing";
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

  it("refuses another value at start, naming TASKER_LOG_FORMAT", async () => {
    const env = { DATABASE_URL: tasker.env.databaseUrl, NATS_URL: tasker.env.natsUrl, TASKER_SUBJECT_PREFIX: tasker.env.prefix, TASKER_LOG_FORMAT: "yaml" };
    await expect(startServiceProcess(["executor"], env, 10_000)).rejects.toThrow(/TASKER_LOG_FORMAT: must be text or json/);
  });
});
