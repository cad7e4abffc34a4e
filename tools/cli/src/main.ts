#!/usr/bin/env node
import { startTracing } from "@tasker/telemetry";
import { tracedProcessName } from "./traced-process.js";

// Before anything imports pg, http or gRPC: the instrumentations hook their loading.
const traced = tracedProcessName(process.argv.slice(2));
if (traced !== undefined) await startTracing(traced);
const [{ processIo }, { exitQuietlyWhenReaderGoes }, { runCli }] = await Promise.all([import("./io.js"), import("./reader-gone.js"), import("./run-cli.js")]);

// `tasker ... | head`: the reader of stdout may leave before the command ends.
exitQuietlyWhenReaderGoes(process.stdout);
// exitCode, not exit(): `start` and `dev` keep running until a signal closes their services.
process.exitCode = await runCli(process.argv.slice(2), processIo);
