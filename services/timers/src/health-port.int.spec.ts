import { loadConfig, type ServicesHandle, startServices } from "@tasker/platform";
import { createIsolatedEnvironment, eventually, type IsolatedEnvironment, type NatsServerProcess, startNatsServerProcess } from "@tasker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { timersService } from "./index.js";

// The timers service stands for every consumer: the health server is the platform's, wired in startServices.
describe("HEALTH_PORT of a service without HTTP of its own", () => {
  let env: IsolatedEnvironment;
  let nats: NatsServerProcess;
  let handle: ServicesHandle;
  const health = async (path = "/health") => {
    const response = await fetch(`http://127.0.0.1:${handle.health!.port}${path}`);
    return { status: response.status, body: (await response.json()) as { status?: string; error?: { code: string; message: string } } };
  };

  beforeAll(async () => {
    env = await createIsolatedEnvironment();
    nats = await startNatsServerProcess(); // private: the test stops it
    const config = loadConfig({ DATABASE_URL: env.databaseUrl, NATS_URL: nats.url, TASKER_SUBJECT_PREFIX: env.prefix, HEALTH_PORT: "0" });
    handle = await startServices(config, [timersService], "timers");
  });
  afterAll(async () => {
    await nats?.start().catch(() => {});
    await handle?.close();
    await nats?.dispose();
    await env?.cleanup();
  });

  it("answers 200 naming PostgreSQL and NATS up, and 404 elsewhere", async () => {
    const { status, body } = await health();
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: "ok", service: "timers", info: { postgres: { status: "up" }, nats: { status: "up" } } });
    expect((await health("/elsewhere")).status).toBe(404);
  });

  it("answers 503 naming NATS while NATS is down (/health/live still 200), and 200 again once it is back", async () => {
    await nats.stop();
    const down = await health();
    expect(down.status).toBe(503);
    expect(down.body.error!.code).toBe("UNHEALTHY");
    expect(down.body.error!.message).toMatch(/^timers is unhealthy: nats: /);
    expect(down.body.error!.message).not.toMatch(/postgres/);
    // Liveness: the process answers, whatever its dependencies do (a restart would not bring NATS back).
    expect(await health("/health/live")).toEqual({ status: 200, body: { status: "ok", service: "timers" } });

    await nats.start();
    await eventually(async () => (await health()).status === 200, "health answered 200 after NATS came back");
  }, 40_000);

  it("serves nothing when HEALTH_PORT is unset", async () => {
    const other = await startServices(loadConfig({ DATABASE_URL: env.databaseUrl, NATS_URL: nats.url, TASKER_SUBJECT_PREFIX: env.prefix }), [], "none");
    expect(other.health).toBeUndefined();
    await other.close();
  });
});
