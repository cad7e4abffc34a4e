import { startTracing } from "@tasker/telemetry";

// First: the instrumentations hook the loading of pg, http and gRPC, which the rest imports.
await startTracing("database-proxy");
const { serviceMain } = await import("@tasker/platform");
const { databaseProxyService } = await import("./database-service.js");

await serviceMain([databaseProxyService], "database-proxy");
