import { startTracing } from "@tasker/telemetry";

// First: the instrumentations hook the loading of pg, http and gRPC, which the rest imports.
await startTracing("gapi-proxy");
const { closeOnSignals, loadConfig, startServices } = await import("@tasker/platform");
const { gapiProxyService } = await import("./gapi-proxy-service.js");

closeOnSignals(await startServices(loadConfig(), [gapiProxyService], "gapi-proxy"));
