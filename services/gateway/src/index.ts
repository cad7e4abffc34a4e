import type { Platform, ServiceDefinition } from "@tasker/platform";
import { type GatewayHandle, startGateway } from "./start-gateway.js";

export type { GatewayHandle } from "./start-gateway.js";

/** The public HTTP API (REST + OpenAPI at `/docs`); its handle carries the `url` it listens on. */
export const gatewayService: ServiceDefinition & { start(platform: Platform): Promise<GatewayHandle> } = {
  name: "gateway",
  start: startGateway,
};
