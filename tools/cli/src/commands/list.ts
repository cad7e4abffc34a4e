import type { Command } from "commander";
import { shortVersion } from "../output/format.js";
import { table } from "../output/table.js";
import type { CommandContext } from "./command-context.js";

export function registerList(program: Command, context: CommandContext): void {
  program
    .command("list")
    .description("list the published task functions")
    .action(async () => {
      const functions = await context.gateway().listFunctions();
      const rows = functions.map((fn) => [fn.name, shortVersion(fn.version), fn.description]);
      context.io.out(table(["NAME", "VERSION", "DESCRIPTION"], rows));
    });
}
