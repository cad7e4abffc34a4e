import { startTracing } from "@tasker/telemetry";

// First: the instrumentations hook the loading of pg, http and gRPC, which the rest imports.
await startTracing("keystore");
const { serviceMain } = await import("@tasker/platform");
const { keystoreService } = await import("./index.js");

await serviceMain([keystoreService], "keystore");
