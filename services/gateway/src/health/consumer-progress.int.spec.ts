import { setTimeout as sleep } from "node:timers/promises";
import { AckPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { eventStreamName } from "@tasker/bus";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GatewayEnv, startGatewayEnv } from "../../test/gateway-env.js";

describe("health of the consumers", () => {
  let gateway: GatewayEnv;
  beforeAll(async () => {
    gateway = await startGatewayEnv({ TASKER_LEASE_MS: "1000" }); // stalled after 2 s
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it("answers 503 naming a consumer that has work and acknowledges none of it, and 200 once it moves", async () => {
    const { nats, config } = gateway.platform;
    const prefix = config.TASKER_SUBJECT_PREFIX;
    const stream = eventStreamName(prefix);
    const jsm = await jetstreamManager(nats);
    const consumer = (name: string, filter: string, extra: { inactive_threshold?: number } = {}) =>
      jsm.consumers.add(stream, { durable_name: name, filter_subject: `${prefix}.${filter}`, ack_policy: AckPolicy.Explicit, ...extra });
    await consumer("stuck_consumer", "work.>");
    await consumer("idle_consumer", "nothing.>");
    await consumer("instance_consumer", "work.>", { inactive_threshold: 60e9 }); // goes away with its process
    const js = jetstream(nats);
    for (let n = 0; n < 3; n++) await js.publish(`${prefix}.work.${n}`, "{}");
    expect((await gateway.request("GET", "/health")).status).toBe(200); // the work just arrived

    await sleep(2500);
    const { status, body } = await gateway.request("GET", "/health");
    expect(status).toBe(503);
    expect(body.error.code).toBe("UNHEALTHY");
    expect(body.error.message).toMatch(/consumers: consumer stuck_consumer: 3 messages wait, none acknowledged for [23] s$/);
    // Readiness leaves the consumers out: this gateway still serves reads and accepts runs.
    expect(await gateway.request("GET", "/health/ready")).toMatchObject({ status: 200, body: { status: "ok", info: { postgres: { status: "up" }, nats: { status: "up" } } } });

    const stuck = await js.consumers.get(stream, "stuck_consumer");
    for (let n = 0; n < 3; n++) await (await stuck.next())!.ackAck();
    expect((await gateway.request("GET", "/health")).status).toBe(200);
  });
});
