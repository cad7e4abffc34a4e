import { closeOnSignals, loadConfig, type ServiceDefinition, type ServicesHandle, startServices, type TaskerConfig } from "@tasker/platform";
import { CliError } from "../cli-error.js";
import type { Io } from "../io.js";

/** Where the gateway of this process listens: the running service's own `url` when it reports one. */
export function gatewayUrlOf(handle: ServicesHandle): string | undefined {
  const gateway = handle.services.find((service) => service.name === "gateway");
  if (gateway === undefined) return undefined;
  const reported = (gateway as { url?: unknown }).url;
  const { HOST, PORT } = handle.platform.config;
  return typeof reported === "string" ? reported : `http://${HOST}:${PORT}`;
}

/** The configuration from the environment; a bad value is reported naming the variable. */
export function configFrom(env: Record<string, string | undefined>): TaskerConfig {
  try {
    return loadConfig(env);
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error));
  }
}

/** `host:port` of a URL, never its user or password: what may be printed about a connection string. */
export function endpointOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || "default port"}`;
  } catch {
    return "an unparsable URL";
  }
}

/**
 * Starts `definitions` in this process, prints one line per started service, and closes them (then
 * `onClosed`) on SIGINT/SIGTERM. A server that does not answer becomes a one-line error.
 */
export async function runServices(
  config: TaskerConfig,
  definitions: readonly ServiceDefinition[],
  name: string,
  io: Io,
  onClosed: () => Promise<void> = async () => {},
): Promise<ServicesHandle> {
  const started = await startServices(config, definitions, name).catch((error: unknown) => {
    throw new CliError(startFailure(config, error));
  });
  const handle: ServicesHandle = {
    platform: started.platform,
    services: started.services,
    ...(started.health ? { health: started.health } : {}),
    close: async () => {
      await started.close();
      await onClosed();
    },
  };
  for (const service of handle.services) {
    io.out(`started ${service.name}${service.name === "gateway" ? ` on ${gatewayUrlOf(handle)}` : ""}\n`);
  }
  if (handle.health) io.out(`health on http://${config.HOST}:${handle.health.port}/health\n`);
  closeOnSignals(handle);
  return handle;
}

function startFailure(config: TaskerConfig, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  if (/ECONNREFUSED|ECONNRESET|ETIMEDOUT|refused/i.test(`${String(code)} ${message}`)) {
    return `a server does not answer (${message}); PostgreSQL at ${endpointOf(config.DATABASE_URL)} (DATABASE_URL) and NATS at ${endpointOf(config.NATS_URL)} (NATS_URL) must run: bash scripts/ensure-servers.sh starts both`;
  }
  return `could not start the services: ${message}`;
}
