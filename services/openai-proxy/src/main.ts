import { startTracing } from "@tasker/telemetry";

// First: the instrumentations hook the loading of pg, http and gRPC, which the rest imports.
await startTracing("openai-proxy");
const { serviceMain } = await import("@tasker/platform");
const { openAiProxyService } = await import("./openai-proxy-service.js");

await serviceMain([openAiProxyService], "openai-proxy");
