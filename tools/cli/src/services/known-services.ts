import type { ServiceDefinition } from "@tasker/platform";
import { CliError, EXIT_USAGE } from "../cli-error.js";

// Loaded on demand: commands that only talk HTTP need not load Nest, TypeORM and QuickJS.
const LOADERS: Readonly<Record<string, () => Promise<ServiceDefinition>>> = {
  "stack-processor": async () => (await import("@tasker/stack-processor")).stackProcessorService,
  executor: async () => (await import("@tasker/executor")).executorService,
  gateway: async () => (await import("@tasker/gateway")).gatewayService,
  keystore: async () => (await import("@tasker/keystore")).keystoreService,
  "gapi-proxy": async () => (await import("@tasker/gapi-proxy")).gapiProxyService,
  "openai-proxy": async () => (await import("@tasker/openai-proxy")).openAiProxyService,
  "websearch-proxy": async () => (await import("@tasker/websearch-proxy")).websearchProxyService,
  "database-proxy": async () => (await import("@tasker/database-proxy")).databaseProxyService,
  timers: async () => (await import("@tasker/timers")).timersService,
};

/** The services `tasker start` can run, in the order `tasker dev` starts them. */
export const KNOWN_SERVICES: readonly string[] = Object.keys(LOADERS);

/** Checks `names` (at least one, each known) and returns them without repeats, in the order given. */
export function checkServiceNames(names: readonly string[]): string[] {
  const known = KNOWN_SERVICES.join(", ");
  if (names.length === 0) throw new CliError(`name at least one service: ${known}`, EXIT_USAGE);
  for (const name of names) {
    if (!KNOWN_SERVICES.includes(name)) throw new CliError(`unknown service "${name}"; the services are: ${known}`, EXIT_USAGE);
  }
  return [...new Set(names)];
}

/** The definitions of `names`, in the order given; an unknown name is a usage error listing the known ones. */
export async function loadServices(names: readonly string[]): Promise<ServiceDefinition[]> {
  return Promise.all(checkServiceNames(names).map((name) => LOADERS[name]!()));
}
