import { startTracing } from "@tasker/telemetry";

// First: the instrumentations hook the loading of pg, http and gRPC, which the rest imports.
await startTracing("websearch-proxy");
const { serviceMain } = await import("@tasker/platform");
const { websearchProxyService } = await import("./websearch-proxy-service.js");

await serviceMain([websearchProxyService], "websearch-proxy");
