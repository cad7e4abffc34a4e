import { loadConfig, type Platform, startServices } from "@tasker/platform";
import { createIsolatedEnvironment } from "@tasker/testing";
import { expect } from "vitest";
import { type GatewayHandle, gatewayService } from "../src/index.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read answers loosely and assert their shape
type Loose = any;

export interface HttpAnswer<T = Loose> {
  readonly status: number;
  readonly body: T;
}

/** A gateway on its own database and subject prefix, listening on an ephemeral port. */
export interface GatewayEnv {
  readonly url: string;
  /** `host:port` of gRPC, when started with `GRPC_PORT`. */
  readonly grpcAddress: string | undefined;
  readonly platform: Platform;
  /** Sends a request (a string or bytes body as is, anything else as JSON); a 500 fails the test. */
  request<T = Loose>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpAnswer<T>>;
  close(): Promise<void>;
}

export async function startGatewayEnv(settings: Record<string, string> = {}): Promise<GatewayEnv> {
  const env = await createIsolatedEnvironment();
  const config = loadConfig({ DATABASE_URL: env.databaseUrl, NATS_URL: env.natsUrl, TASKER_SUBJECT_PREFIX: env.prefix, PORT: "0", ...settings });
  const handle = await startServices(config, [gatewayService], "gateway-test");
  const { url, grpcAddress } = handle.services[0] as GatewayHandle;
  return {
    url,
    grpcAddress,
    platform: handle.platform,
    async request(method, path, body, headers = {}) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
        // Bytes are sent as a copy: fetch takes a view of an ArrayBuffer, and `Uint8Array` may view a SharedArrayBuffer.
        body: body === undefined || typeof body === "string" ? body : body instanceof Uint8Array ? body.slice() : JSON.stringify(body),
      });
      const text = await response.text();
      expect(response.status, `${method} ${path} answered ${response.status}: ${text}`).not.toBe(500);
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    async close() {
      await handle.close();
      await env.cleanup();
    },
  };
}

/** A task function whose JSDoc documents it. */
export const DOCUMENTED_TASK = `/**
 * @task
 * @description Greets someone, politely.
 * @param {string} name - who to greet
 * @param {number} [times] - how often
 */
export async function runTask(input, tools) {
  return "hello " + input.name;
}
`;
