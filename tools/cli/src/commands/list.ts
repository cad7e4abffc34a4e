import type { Command } from "commander";
import { shortVersion } from "../output/format.js";
import { table } from "../output/table.js";
import type { CommandContext } from "./command-context.js";

export function registerList(program: Command, context: CommandContext): void {
  program
    .command("list")
    .description("list the published task functions, with what each declares it uses (@uses)")
    .action(async () => {
      const functions = await context.gateway().listFunctions();
      // USES last: the columns before it read as they did before `@uses`. A description of several
      // lines is shown on one, so that every function stays one row.
      const rows = functions.map((fn) => [fn.name, shortVersion(fn.version), fn.description.replace(/\s+/g, " ").trim(), fn.uses.join(", ")]);
      context.io.out(table(["NAME", "VERSION", "DESCRIPTION", "USES"], rows));
    });
}
