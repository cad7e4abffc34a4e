import { loadConfig, type ServicesHandle, startServices } from "@tasker/platform";
import { createIsolatedEnvironment, type IsolatedEnvironment, parsePrometheusText, samplesOf, startStallingProxy, type StallingProxy } from "@tasker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { timersService } from "./index.js";

// The timers service stands for every consumer: /metrics is the platform's, served on HEALTH_PORT.
describe("GET /metrics while PostgreSQL has stopped answering", () => {
  let env: IsolatedEnvironment;
  let proxy: StallingProxy;
  let handle: ServicesHandle;

  beforeAll(async () => {
    env = await createIsolatedEnvironment();
    const url = new URL(env.databaseUrl);
    proxy = await startStallingProxy(url.hostname, Number(url.port || 5432));
    url.host = proxy.address;
    const config = loadConfig({ DATABASE_URL: url.toString(), NATS_URL: env.natsUrl, TASKER_SUBJECT_PREFIX: env.prefix, HEALTH_PORT: "0" });
    handle = await startServices(config, [timersService], "timers");
  });
  afterAll(async () => {
    proxy?.resume();
    await handle?.close();
    await proxy?.close();
    await env?.cleanup();
  });

  it("answers within seconds with what it has: the process's metrics, the database's gauges left out", async () => {
    proxy.stall();
    const started = Date.now();
    const response = await fetch(`http://127.0.0.1:${handle.health!.port}/metrics`, { signal: AbortSignal.timeout(15_000) });
    expect(response.status).toBe(200);
    const samples = parsePrometheusText(await response.text());
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(samplesOf(samples, "process_cpu_user_seconds_total")).toHaveLength(1);
    expect(samplesOf(samples, "tasker_runs")).toHaveLength(0);
    expect(samplesOf(samples, "tasker_outbox_events")).toHaveLength(0);
  }, 30_000);
});
