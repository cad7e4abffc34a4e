import { startNatsServerProcess } from "@tasker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GatewayEnv, startGatewayEnv } from "../../test/gateway-env.js";

describe("health, API docs and unknown routes", () => {
  let gateway: GatewayEnv;
  beforeAll(async () => {
    gateway = await startGatewayEnv();
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it("is healthy while PostgreSQL and NATS answer and no consumer is stalled", async () => {
    const { status, body } = await gateway.request("GET", "/health");
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: "ok", info: { postgres: { status: "up" }, nats: { status: "up" }, consumers: { status: "up" } } });
  });

  it("serves the OpenAPI document listing every route, and the UI", async () => {
    const { status, body } = await gateway.request("GET", "/docs-json");
    expect(status).toBe(200);
    expect(Object.keys(body.paths).sort()).toEqual(
      ["/auth/keys", "/auth/keys/{keyId}", "/health", "/health/live", "/health/ready", "/keys", "/keys/{name}", "/metrics", "/task-functions", "/task-functions/{name}/versions", "/task-functions/{name}/versions/{version}", "/tasks", "/tasks/{taskRunId}", "/tasks/{taskRunId}/cancel", "/tasks/{taskRunId}/events", "/tasks/{taskRunId}/result", "/tasks/{taskRunId}/signals/{name}", "/tasks/{taskRunId}/tree"].sort(),
    );
    const signal = body.paths["/tasks/{taskRunId}/signals/{name}"].post;
    expect(JSON.stringify(signal.requestBody)).toContain("payload");
    expect(Object.keys(signal.responses).sort()).toEqual(["202", "400", "404", "409", "413"]);
    expect(Object.keys(body.paths["/task-functions"]).sort()).toEqual(["get", "post"]);
    const events = body.paths["/tasks/{taskRunId}/events"].get;
    expect(Object.keys(events.responses["200"].content)).toEqual(["text/event-stream"]);
    expect(events.parameters.map((parameter: { name: string }) => parameter.name).sort()).toEqual(["Last-Event-ID", "after", "taskRunId"]);
    expect(Object.keys(body.paths["/tasks"]).sort()).toEqual(["get", "post"]);
    expect(body.paths["/tasks"].get.parameters.map((parameter: { name: string }) => parameter.name).sort()).toEqual(["cursor", "limit", "since", "status", "taskName"]);
    expect(JSON.stringify(body.paths["/tasks"].get.responses["200"])).toContain("nextCursor");
    expect(JSON.stringify(body.paths["/tasks/{taskRunId}/tree"].get.responses["200"])).toContain("activations");
    const submit = body.paths["/tasks"].post;
    expect(JSON.stringify(submit.requestBody)).toContain("taskName");
    expect(JSON.stringify(submit.requestBody)).toContain("timeoutMs");
    expect(submit.responses["202"]).toBeDefined();
    const errorRef = body.paths["/tasks/{taskRunId}"].get.responses["200"].content["application/json"].schema.properties.error.allOf[0].$ref as string;
    const error = body.components.schemas[errorRef.split("/").at(-1)!];
    expect(error).toMatchObject({ required: ["code", "message", "name"], properties: { code: { anyOf: [{ type: "string" }, { type: "number" }] }, cause: { allOf: [{ $ref: errorRef }] } } });
    expect(Object.keys(error.properties).sort()).toEqual(["cause", "code", "details", "message", "name", "stack"]);
    const ui = await fetch(`${gateway.url}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain("swagger");
  });

  it("answers an unknown route with the error shape", async () => {
    const { status, body } = await gateway.request("GET", "/nothing-here");
    expect(status).toBe(404);
    expect(body.error).toEqual({ code: "NOT_FOUND", message: expect.stringContaining("/nothing-here") });
  });
});

describe("health when NATS is down", () => {
  it("answers 503 naming NATS on /health and /health/ready, and /health/live 200", async () => {
    const nats = await startNatsServerProcess();
    const gateway = await startGatewayEnv({ NATS_URL: nats.url });
    try {
      expect((await gateway.request("GET", "/health")).status).toBe(200);
      await nats.stop();
      const { status, body } = await gateway.request("GET", "/health");
      expect(status).toBe(503);
      expect(body.error).toMatchObject({ code: "UNHEALTHY", message: expect.stringContaining("nats") });
      expect(await gateway.request("GET", "/health/ready")).toMatchObject({ status: 503, body: { error: { code: "UNHEALTHY", message: expect.stringContaining("nats") } } });
      // Liveness: the process answers, whatever its dependencies do (a restart would not bring NATS back).
      expect(await gateway.request("GET", "/health/live")).toEqual({ status: 200, body: { status: "ok", service: "gateway" } });
    } finally {
      await nats.start();
      await gateway.close();
      await nats.dispose();
    }
  });
});
