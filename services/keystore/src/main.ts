import { startTracing } from "@tasker/telemetry";

// First: the instrumentations hook the loading of pg, http and gRPC, which the rest imports.
await startTracing("keystore");
const { closeOnSignals, loadConfig, startServices } = await import("@tasker/platform");
const { keystoreService } = await import("./index.js");

closeOnSignals(await startServices(loadConfig(), [keystoreService], "keystore"));
