import { Inject, Injectable } from "@nestjs/common";
import { ENDED_STATUSES, runStreamId } from "@tasker/contracts";
import type { Platform } from "@tasker/platform";
import { runNotFound } from "../http/api-error.js";
import { PLATFORM } from "../platform.token.js";
import { type RunStatus, TaskRunReader } from "./task-run-reader.js";

/** Passes users' cancel requests on to the run; the stack-processor ends the run. */
@Injectable()
export class RunCanceller {
  constructor(
    @Inject(PLATFORM) private readonly platform: Platform,
    private readonly runs: TaskRunReader,
  ) {}

  /**
   * Appends `run.cancel-requested` (a fact from outside: no condition) unless the run already ended,
   * and answers with the run's status as it was. An unknown run (or one of another namespace) is a 404.
   */
  async cancel(namespace: string, taskRunId: string, reason: string | undefined): Promise<RunStatus> {
    const run = await this.runs.status(namespace, taskRunId);
    if (!run) throw runNotFound(taskRunId);
    if (ENDED_STATUSES.includes(run.status)) return run;
    await this.platform.store.append(runStreamId(taskRunId), "any", [
      { type: "run.cancel-requested", data: { taskRunId, reason: reason ?? null }, metadata: { correlationId: taskRunId } },
    ]);
    return run;
  }
}
