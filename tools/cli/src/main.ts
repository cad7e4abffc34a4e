#!/usr/bin/env node
import { enableCompileCache } from "node:module";
import { startTracing } from "@tasker/telemetry";
import { EXIT_FAILURE } from "./cli-error.js";
import { tracedProcessName } from "./traced-process.js";

// Node keeps the code it compiles of every module imported from here on (NODE_COMPILE_CACHE, else a
// folder under the system's temporary folder; a folder it cannot write only turns this off): a
// service's start is mostly compiling modules, and every deploy, restart and autoscale pays it.
enableCompileCache();
// Before anything imports pg, http or gRPC: the instrumentations hook their loading.
const traced = tracedProcessName(process.argv.slice(2));
const tracing = traced === undefined ? Promise.resolve(false) : startTracing(traced);
// A bad OTEL_* value, as the other configuration errors: one line naming the variable.
await tracing.catch((error: unknown) => {
  console.error(`tasker: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(EXIT_FAILURE);
});
const [{ processIo }, { exitQuietlyWhenReaderGoes }, { runCli }] = await Promise.all([import("./io.js"), import("./reader-gone.js"), import("./run-cli.js")]);

// `tasker ... | head`: the reader of stdout may leave before the command ends.
exitQuietlyWhenReaderGoes(process.stdout);
// exitCode, not exit(): `start` and `dev` keep running until a signal closes their services.
process.exitCode = await runCli(process.argv.slice(2), processIo);
