import { startTracing } from "@tasker/telemetry";

// First: the instrumentations hook the loading of pg, http and gRPC, which the rest imports.
await startTracing("stack-processor");
const { serviceMain } = await import("@tasker/platform");
const { stackProcessorService } = await import("./index.js");

await serviceMain([stackProcessorService], "stack-processor");
