import { Logger } from "@nestjs/common";
import { shutdownTracing } from "@tasker/telemetry";
import type { TaskerConfig } from "./config.js";
import { useLogFormat } from "./log-format.js";
import { type HealthServer, startHealthServer } from "./health-server.js";
import { openPlatform, type Platform } from "./platform.js";
import type { RunningService, ServiceDefinition } from "./service.js";

export interface ServicesHandle {
  readonly platform: Platform;
  readonly services: readonly RunningService[];
  /** The `/health` and `/metrics` server, when `HEALTH_PORT` is set. */
  readonly health?: HealthServer;
  /** Stops the services (in reverse start order, each finishing what it took), then the platform. */
  close(): Promise<void>;
}

/**
 * Sets the process's log format (`TASKER_LOG_FORMAT`), opens the platform
 * and starts `definitions` on it, in order, then (when `HEALTH_PORT` is set) the `/health` and
 * `/metrics` server on `HOST:HEALTH_PORT`; stops what started if one fails.
 */
export async function startServices(config: TaskerConfig, definitions: readonly ServiceDefinition[], name: string): Promise<ServicesHandle> {
  // A process running one service is that service in its logs (`tasker start executor`); several, `name`.
  useLogFormat(config.TASKER_LOG_FORMAT, definitions.length === 1 ? definitions[0]!.name : name);
  const platform = await openPlatform(config, name);
  const services: RunningService[] = [];
  let health: HealthServer | undefined;
  const close = async () => {
    // Health first: an orchestrator then sees the process going before its work stops.
    await health?.close();
    health = undefined;
    for (const service of services.splice(0).reverse()) await service.close();
    await platform.close();
  };
  try {
    for (const definition of definitions) services.push(await definition.start(platform));
    if (config.HEALTH_PORT !== undefined) health = await startHealthServer(platform, name, config.HOST, config.HEALTH_PORT);
  } catch (error) {
    await close();
    throw error;
  }
  return { platform, services, close, ...(health ? { health } : {}) };
}

/** Closes `handle` on SIGINT/SIGTERM, exports the spans still buffered, then exits; a second signal exits at once. */
export function closeOnSignals(handle: ServicesHandle): void {
  const logger = new Logger("tasker");
  let closing = false;
  const stop = (signal: NodeJS.Signals) => {
    if (closing) process.exit(130);
    closing = true;
    logger.warn(`${signal}: finishing work in progress (again to force)`);
    handle.close().then(shutdownTracing).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error(error);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", stop).on("SIGTERM", stop);
}
