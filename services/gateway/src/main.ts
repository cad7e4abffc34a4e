import { startTracing } from "@tasker/telemetry";

// First: the instrumentations hook the loading of pg, http and gRPC, which the rest imports.
await startTracing("gateway");
const { serviceMain } = await import("@tasker/platform");
const { gatewayService } = await import("./index.js");

await serviceMain([gatewayService], "gateway");
