import { startTracing } from "@tasker/telemetry";

// First: the instrumentations hook the loading of pg, http and gRPC, which the rest imports.
await startTracing("timers");
const { closeOnSignals, loadConfig, startServices } = await import("@tasker/platform");
const { timersService } = await import("./index.js");

closeOnSignals(await startServices(loadConfig(), [timersService], "timers"));
