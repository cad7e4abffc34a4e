import { loadConfig } from "./config.js";
import { closeOnSignals, startServices } from "./run-services.js";
import type { ServiceDefinition } from "./service.js";
import { logStartFailure } from "./start-failure.js";

/**
 * What a service's `main.ts` runs (`node services/<name>/dist/main.js`): `definitions` started as
 * `name` with the configuration of the process's environment (`startServices`), closed on SIGINT or
 * SIGTERM. A failure to start, the configuration's included, is logged (`logStartFailure`) and the
 * process exits with code 1.
 */
export async function serviceMain(definitions: readonly ServiceDefinition[], name: string): Promise<void> {
  try {
    closeOnSignals(await startServices(loadConfig(), definitions, name));
  } catch (error) {
    logStartFailure(process.env, name, error);
    process.exit(1);
  }
}
