import type { Command } from "commander";
import { describeCall, prettyJson } from "../output/format.js";
import type { CommandContext } from "./command-context.js";

export function registerStatus(program: Command, context: CommandContext): void {
  program
    .command("status")
    .description("show a run: status, times, what it waits on, its result or error")
    .argument("<id>", "the task run id")
    .action(async (id: string) => {
      const run = await context.gateway().run(id);
      const lines = [`run       ${run.taskRunId}`, `task      ${run.taskName}`, `status    ${run.status}`];
      if (run.createdAt) lines.push(`created   ${run.createdAt}`);
      if (run.updatedAt) lines.push(`updated   ${run.updatedAt}`);
      for (const call of run.waitingOn ?? []) lines.push(`waiting   ${describeCall(call)}  ${call.stackRunId}`);
      if (run.status === "completed") lines.push(`result    ${prettyJson(run.result).replace(/\n/g, "\n          ")}`);
      if (run.error) lines.push(`error     ${run.error.code}: ${run.error.message}`);
      context.io.out(`${lines.join("\n")}\n`);
    });
}
