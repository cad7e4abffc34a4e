import { GatewayClient, gatewayUrlFrom } from "../gateway/gateway-client.js";
import type { Io } from "../io.js";

/** What every command gets: where to write, and the gateway it talks to. */
export interface CommandContext {
  readonly io: Io;
  gateway(): GatewayClient;
}

export function commandContext(io: Io): CommandContext {
  return { io, gateway: () => new GatewayClient(gatewayUrlFrom(io.env), io.env["TASKER_ADMIN_TOKEN"] || undefined) };
}
