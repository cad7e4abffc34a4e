import { ENDED_STATUSES, type TaskRunView } from "@tasker/contracts";
import { CliError, EXIT_CANCELLED, EXIT_FAILURE } from "../cli-error.js";
import type { GatewayClient } from "../gateway/gateway-client.js";
import type { Io } from "../io.js";
import { describeRun, prettyJson } from "../output/format.js";
import { createStatusLine } from "../output/status-line.js";

/**
 * Follows a run to its end with a live status line on stderr and resolves to its last view (the body
 * of `GET /tasks/:id`). Each `result?wait=1` request is answered as soon as the run ends (or after the
 * server's wait period), so the loop does not poll busily. Prints nothing on stdout.
 */
export async function followRun(gateway: GatewayClient, taskRunId: string, io: Io, startedAt = Date.now()): Promise<TaskRunView> {
  const line = createStatusLine(io, startedAt);
  try {
    // The first look answers at once, so that the line shows the state from the start.
    for (let wait = 0; ; wait = 1) {
      const run = await gateway.waitForResult(taskRunId, wait);
      line.update(describeRun(run));
      if (ENDED_STATUSES.includes(run.status)) return run;
    }
  } finally {
    line.stop();
  }
}

/**
 * Prints a finished run on stdout — its result alone as pretty JSON, or with `json` the whole view as
 * one JSON document whatever its status — and throws a failed or cancelled run's error as
 * `run <status>: <code>: <message>`, exit code 1 (failed) or 3 (cancelled).
 */
export function reportEnd(run: TaskRunView, io: Io, json = false): TaskRunView {
  if (json) io.out(`${prettyJson(run)}\n`);
  if (run.status === "completed") {
    if (!json) io.out(`${prettyJson(run.result)}\n`);
    return run;
  }
  const error = run.error ?? { code: run.status.toUpperCase(), message: `the run ${run.status}` };
  throw new CliError(`run ${run.status}: ${error.code}: ${error.message}`, run.status === "cancelled" ? EXIT_CANCELLED : EXIT_FAILURE);
}
