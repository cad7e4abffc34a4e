import { apiKeyFrom, GatewayClient, gatewayUrlFrom } from "../gateway/gateway-client.js";
import type { Io } from "../io.js";

/** What every command gets: where to write, and the gateway it talks to. */
export interface CommandContext {
  readonly io: Io;
  gateway(): GatewayClient;
}

/** `apiKeyFlag`: the `--api-key` given, read when a command runs (after parsing). */
export function commandContext(io: Io, apiKeyFlag: () => string | undefined = () => undefined): CommandContext {
  return { io, gateway: () => new GatewayClient(gatewayUrlFrom(io.env), apiKeyFrom(apiKeyFlag(), io.env)) };
}
