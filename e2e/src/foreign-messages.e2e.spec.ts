import { newId, runStreamId } from "@tasker/contracts";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { eventually, TaskerSystem } from "@tasker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * Two deployments sharing a subject prefix on one NATS take each other's work. A message about a run
 * this deployment's event store does not know is reported loudly and dead-lettered, never handled
 * silently, and nothing of that run is written here.
 */
let tasker: TaskerSystem;
let nc: NatsConnection;

beforeAll(async () => {
  tasker = await TaskerSystem.start();
  nc = await connect({ servers: tasker.env.natsUrl });
  await tasker.publishExamples("echo");
});

afterAll(async () => {
  await nc?.close();
  await tasker?.stop();
});

/** An event of a run of another deployment, as its outbox would publish it on the shared prefix. */
function foreign(type: string, data: object, version: number) {
  const taskRunId = newId();
  const event = {
    type,
    data,
    metadata: { eventId: newId(), streamId: runStreamId(taskRunId), streamVersion: version, position: 1, recordedAt: new Date().toISOString(), traceparent: null, causationId: null, correlationId: taskRunId },
  };
  return { taskRunId, event };
}

describe("a message about a run this deployment does not know", () => {
  it("is reported by the executor and the stack-processor and dead-lettered, and nothing is written", async () => {
    const letters: { subject: string; code: string | undefined }[] = [];
    const subscription = nc.subscribe(`${tasker.env.prefix}.dlq.>`, {
      callback: (_error, msg) => {
        letters.push({ subject: msg.subject, code: msg.headers?.get("Tasker-Error-Code") });
      },
    });
    const [{ version }] = (await tasker.request<{ version: string }[]>("GET", "/task-functions")).body;
    const stackRunId = newId();
    const call = foreign("stack.created", { stackRunId, parentStackRunId: null, seq: null, service: "tasks", method: ["execute"], args: ["echo", {}], depth: 0, taskVersion: version }, 2);
    const suspension = foreign("vm.suspended", { stackRunId, activation: 1, at: 1, waitingOn: [0], worker: "elsewhere" }, 5);
    for (const { taskRunId, event } of [call, suspension]) {
      const suffix = event.type === "stack.created" ? ".tasks" : "";
      nc.publish(`${tasker.env.prefix}.run.${taskRunId}.${event.type}${suffix}`, JSON.stringify(event));
    }
    await eventually(() => letters.length >= 2, "both messages were dead-lettered");
    subscription.unsubscribe();
    expect(letters.map((letter) => letter.subject).sort()).toEqual([`${tasker.env.prefix}.dlq.executor`, `${tasker.env.prefix}.dlq.stack-processor`]);
    expect(letters.every((letter) => letter.code === "UNKNOWN_RUN")).toBe(true);
    const report = `is not in this deployment's event store: does another deployment use the subject prefix "${tasker.env.prefix}"`;
    expect(tasker.processes.get("executor")!.output()).toContain(report);
    expect(tasker.processes.get("stack-processor")!.output()).toContain(report);
    expect(await tasker.events(`run:${call.taskRunId}`)).toEqual([]);
    expect(await tasker.events(`run:${suspension.taskRunId}`)).toEqual([]);
    expect((await tasker.run("echo", { still: "working" })).result).toEqual({ echo: { still: "working" } });
  });
});
