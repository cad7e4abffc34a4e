export { loadConfig, type TaskerConfig } from "./config.js";
export { readEnvironment } from "./read-environment.js";
export { ensureDatabase } from "./ensure-database.js";
export { openPlatform, type Platform } from "./platform.js";
export type { RunningService, ServiceDefinition } from "./service.js";
export { closeOnSignals, startServices, type ServicesHandle } from "./run-services.js";
export { checkPlatform, type DependencyHealth, type HealthServer, type HealthyBody, startHealthServer } from "./health-server.js";
export { type MetricsEndpoint, metricsEndpoint } from "./metrics/metrics-endpoint.js";
