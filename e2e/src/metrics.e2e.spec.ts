import { connect, type NatsConnection } from "@nats-io/transport-node";
import { newId, runStreamId } from "@tasker/contracts";
import { eventually, type MetricSample, parsePrometheusText, sampleSum, samplesOf, TaskerSystem } from "@tasker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * `GET /metrics` on the gateway and on the HEALTH_PORT of every other service: Prometheus text that
 * an operator's Prometheus reads, counting what the runs did.
 */
let tasker: TaskerSystem;
let nc: NatsConnection;

beforeAll(async () => {
  tasker = await TaskerSystem.start({ HEALTH_PORT: "0", TASKER_MAX_TIMER_MS: "3600000" });
  nc = await connect({ servers: tasker.env.natsUrl });
  await tasker.publishExamples("echo", "fail", "sleepy-reminder");
});

afterAll(async () => {
  await nc?.close();
  await tasker?.stop();
});

async function scrape(base: string): Promise<MetricSample[]> {
  const response = await fetch(`${base}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await response.text());
}

const healthUrlOf = (label: string) => tasker.processes.get(label)!.healthUrl!;

describe("GET /metrics", () => {
  it("counts runs by status, activations by kind and outcome with their latency, the VM cache and each consumer's lag", async () => {
    expect((await tasker.run("echo", { n: 1 })).status).toBe("completed");
    expect((await tasker.run("echo", { n: 2 })).status).toBe("completed");
    expect((await tasker.run("fail", { message: "on purpose" })).status).toBe("failed");
    // Suspended once and resumed on its cached VM.
    expect((await tasker.run("sleepy-reminder", { steps: 1, sleepMs: 500 })).status).toBe("completed");
    // Suspended until the test ends: its VM stays in the executor's cache.
    const sleeper = await tasker.submit("sleepy-reminder", { steps: 1, sleepMs: 3_000_000 });
    await eventually(async () => (await tasker.request<{ status: string }>("GET", `/tasks/${sleeper}`)).body.status === "suspended", "the sleeper is suspended");

    const gateway = await scrape(tasker.url);
    expect(sampleSum(gateway, "tasker_runs", { status: "completed" })).toBe(3);
    expect(sampleSum(gateway, "tasker_runs", { status: "failed" })).toBe(1);
    expect(sampleSum(gateway, "tasker_runs", { status: "suspended" })).toBe(1);
    expect(sampleSum(gateway, "tasker_runs", { status: "queued" })).toBe(0);
    expect(samplesOf(gateway, "tasker_outbox_events")).toHaveLength(1);
    const consumers = new Set(samplesOf(gateway, "tasker_consumer_lag_messages", { state: "pending" }).map((sample) => sample.labels.consumer));
    expect(consumers).toContain("executor__run_any_stack_created_tasks");
    expect([...consumers].some((name) => name.startsWith("stack-processor__"))).toBe(true);
    expect([...consumers].some((name) => name.startsWith("keystore__"))).toBe(true);
    expect(samplesOf(gateway, "tasker_consumer_lag_messages", { state: "ack_pending" })).toHaveLength(consumers.size);
    expect(samplesOf(gateway, "process_cpu_user_seconds_total")).toHaveLength(1);

    const executor = await scrape(healthUrlOf("executor"));
    expect(sampleSum(executor, "tasker_activations_total", { kind: "start", outcome: "completed" })).toBe(2);
    expect(sampleSum(executor, "tasker_activations_total", { kind: "start", outcome: "failed" })).toBe(1);
    expect(sampleSum(executor, "tasker_activations_total", { kind: "start", outcome: "suspended" })).toBe(2);
    expect(sampleSum(executor, "tasker_activations_total", { kind: "cache", outcome: "completed" })).toBe(1);
    expect(sampleSum(executor, "tasker_activation_duration_seconds_count", { kind: "start" })).toBe(5);
    expect(sampleSum(executor, "tasker_activation_duration_seconds_bucket", { kind: "start", le: "+Inf" })).toBe(5);
    expect(sampleSum(executor, "tasker_vm_cache_entries")).toBe(1);
    expect(sampleSum(executor, "tasker_vm_cache_bytes")).toBeGreaterThan(0);
    // The deployment's gauges are the same from every process.
    expect(sampleSum(executor, "tasker_runs", { status: "completed" })).toBe(3);

    // Labels carry no inputs and no run ids.
    const text = await (await fetch(`${tasker.url}/metrics`)).text();
    expect(text).not.toContain("on purpose");
    expect(text).not.toContain(sleeper);
  });

  it("counts a dead letter by service and code, on the process that gave up", async () => {
    const before = sampleSum(await scrape(healthUrlOf("executor")), "tasker_dead_letters_total", { service: "executor", code: "UNKNOWN_RUN" });
    // A call of a run this deployment does not know (another deployment's, on the same prefix).
    const taskRunId = newId();
    const [{ version }] = (await tasker.request<{ version: string }[]>("GET", "/task-functions")).body;
    const event = {
      type: "stack.created",
      data: { stackRunId: newId(), parentStackRunId: null, seq: null, service: "tasks", method: ["execute"], args: ["echo", {}], depth: 0, taskVersion: version },
      metadata: { eventId: newId(), streamId: runStreamId(taskRunId), streamVersion: 2, position: 1, recordedAt: new Date().toISOString(), traceparent: null, causationId: null, correlationId: taskRunId },
    };
    nc.publish(`${tasker.env.prefix}.run.${taskRunId}.stack.created.tasks`, JSON.stringify(event));
    await eventually(
      async () => sampleSum(await scrape(healthUrlOf("executor")), "tasker_dead_letters_total", { service: "executor", code: "UNKNOWN_RUN" }) === before + 1,
      "the executor counted its dead letter",
    );
  });
});
