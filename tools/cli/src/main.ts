#!/usr/bin/env node
import { processIo } from "./io.js";
import { runCli } from "./run-cli.js";

// exitCode, not exit(): `start` and `dev` keep running until a signal closes their services.
process.exitCode = await runCli(process.argv.slice(2), processIo);
