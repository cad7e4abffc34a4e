#!/usr/bin/env node
import { processIo } from "./io.js";
import { exitQuietlyWhenReaderGoes } from "./reader-gone.js";
import { runCli } from "./run-cli.js";

// `tasker ... | head`: the reader of stdout may leave before the command ends.
exitQuietlyWhenReaderGoes(process.stdout);
// exitCode, not exit(): `start` and `dev` keep running until a signal closes their services.
process.exitCode = await runCli(process.argv.slice(2), processIo);
