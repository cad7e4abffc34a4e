import { ENDED_STATUSES, type TaskRunView } from "@tasker/contracts";
import { CliError } from "../cli-error.js";
import type { GatewayClient } from "../gateway/gateway-client.js";
import type { Io } from "../io.js";
import { describeRun, prettyJson } from "../output/format.js";
import { createStatusLine } from "../output/status-line.js";

/**
 * Follows a run to its end with a live status line on stderr. Each `result?wait=1` request is answered
 * as soon as the run ends (or after the server's wait period), so the loop does not poll busily.
 * Prints the result on stdout; a failed or cancelled run throws its error as `code: message`.
 */
export async function followRun(gateway: GatewayClient, taskRunId: string, io: Io, startedAt = Date.now()): Promise<TaskRunView> {
  const line = createStatusLine(io, startedAt);
  let run: TaskRunView;
  try {
    // The first look answers at once, so that the line shows the state from the start.
    for (let wait = 0; ; wait = 1) {
      run = await gateway.waitForResult(taskRunId, wait);
      line.update(describeRun(run));
      if (ENDED_STATUSES.includes(run.status)) break;
    }
  } finally {
    line.stop();
  }
  return reportEnd(run, io);
}

/** Prints a finished run: its result on stdout when completed, else throws its error. */
export function reportEnd(run: TaskRunView, io: Io): TaskRunView {
  if (run.status === "completed") {
    io.out(`${prettyJson(run.result)}\n`);
    return run;
  }
  const error = run.error ?? { code: run.status.toUpperCase(), message: `the run ${run.status}` };
  throw new CliError(`run ${run.status}: ${error.code}: ${error.message}`);
}
