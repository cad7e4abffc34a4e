import { startTracing } from "@tasker/telemetry";

// First: the instrumentations hook the loading of pg, http and gRPC, which the rest imports.
await startTracing("gapi-proxy");
const { serviceMain } = await import("@tasker/platform");
const { gapiProxyService } = await import("./gapi-proxy-service.js");

await serviceMain([gapiProxyService], "gapi-proxy");
