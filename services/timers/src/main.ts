import { startTracing } from "@tasker/telemetry";

// First: the instrumentations hook the loading of pg, http and gRPC, which the rest imports.
await startTracing("timers");
const { serviceMain } = await import("@tasker/platform");
const { timersService } = await import("./index.js");

await serviceMain([timersService], "timers");
