import { startTracing } from "@tasker/telemetry";

// First: the instrumentations hook the loading of pg, http and gRPC, which the rest imports.
await startTracing("database-proxy");
const { closeOnSignals, loadConfig, startServices } = await import("@tasker/platform");
const { databaseProxyService } = await import("./database-service.js");

closeOnSignals(await startServices(loadConfig(), [databaseProxyService], "database-proxy"));
