import { startTracing } from "@tasker/telemetry";

// First: the instrumentations hook the loading of pg, http and gRPC, which the rest imports.
await startTracing("executor");
const { serviceMain } = await import("@tasker/platform");
const { executorService } = await import("./index.js");

await serviceMain([executorService], "executor");
