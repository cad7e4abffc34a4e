import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { metricsEndpoint } from "./metrics/metrics-endpoint.js";
import type { Platform } from "./platform.js";
import { withinMs } from "./within-ms.js";

/** How long one dependency may take to answer before it counts as down (as the gateway's `/health`). */
const CHECK_TIMEOUT_MS = 2000;

/** One dependency's state: `up`, or `down` with why. */
export type DependencyHealth = { readonly status: "up"; readonly rttMs?: number } | { readonly status: "down"; readonly message: string };

/** The body of a 200 from `GET /health` on `HEALTH_PORT`: every dependency up. */
export interface HealthyBody {
  readonly status: "ok";
  readonly service: string;
  readonly info: { readonly postgres: DependencyHealth; readonly nats: DependencyHealth };
}

/** A `/health` and `/metrics` server of a process without HTTP of its own; `close()` stops it. Owned by `startServices`. */
export interface HealthServer {
  readonly port: number;
  close(): Promise<void>;
}

async function check(probe: () => Promise<number | void>): Promise<DependencyHealth> {
  try {
    const rttMs = await withinMs(probe(), CHECK_TIMEOUT_MS, `no answer in ${CHECK_TIMEOUT_MS} ms`);
    return typeof rttMs === "number" ? { status: "up", rttMs } : { status: "up" };
  } catch (error) {
    return { status: "down", message: error instanceof Error ? error.message : String(error) };
  }
}

/** PostgreSQL (`SELECT 1`) and NATS (a round trip) of `platform`, checked at once, each within 2 s. */
export async function checkPlatform(platform: Platform): Promise<{ postgres: DependencyHealth; nats: DependencyHealth }> {
  const [postgres, nats] = await Promise.all([
    check(async () => void (await platform.dataSource.query("SELECT 1"))),
    // Fails at once while NATS is disconnected, where a request would wait out the timeout.
    check(() => platform.nats.rtt()),
  ]);
  return { postgres, nats };
}

/**
 * Serves `GET /health` on `port` of `host` for the services `name` runs on `platform`: 200 with a
 * `HealthyBody` when PostgreSQL and NATS answer; 503 with `{ error: { code: "UNHEALTHY", message } }`
 * naming each dependency down and why (the gateway's error shape). `GET /health/live` (liveness):
 * 200 `{ status: "ok", service }` whenever the process answers, whatever its dependencies do.
 * `GET /metrics`: the process's and the deployment's metrics in Prometheus text (see
 * `metricsEndpoint`). 404 for any other route.
 */
export async function startHealthServer(platform: Platform, name: string, host: string, port: number): Promise<HealthServer> {
  const metrics = metricsEndpoint(platform);
  const server: Server = createServer((request, response) => {
    const send = (status: number, body: unknown) => response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    const route = request.method === "GET" ? request.url?.split("?")[0] : undefined;
    if (route === "/health/live") {
      send(200, { status: "ok", service: name });
      return;
    }
    if (route === "/metrics") {
      metrics.scrape().then(
        (text) => response.writeHead(200, { "content-type": metrics.contentType }).end(text),
        (error: unknown) => send(500, { error: { code: "INTERNAL", message: `metrics: ${error instanceof Error ? error.message : String(error)}` } }),
      );
      return;
    }
    if (route !== "/health") {
      send(404, { error: { code: "NOT_FOUND", message: `${request.method} ${request.url}: only GET /health, /health/live and /metrics are served here` } });
      return;
    }
    // checkPlatform never rejects: a failing probe is a dependency down.
    void checkPlatform(platform).then((info) => {
      const down = Object.entries(info).flatMap(([dependency, health]) => (health.status === "down" ? [`${dependency}: ${health.message}`] : []));
      if (down.length === 0) send(200, { status: "ok", service: name, info } satisfies HealthyBody);
      else send(503, { error: { code: "UNHEALTHY", message: `${name} is unhealthy: ${down.join("; ")}` } });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
