import { Inject, Injectable } from "@nestjs/common";
import { ENDED_STATUSES, type JsonValue, newId, runStreamId, type SendSignalResponse } from "@tasker/contracts";
import { isConcurrencyError } from "@tasker/event-store";
import type { Platform } from "@tasker/platform";
import { RUN_OPEN } from "@tasker/run-model";
import { ApiError, runNotFound } from "../http/api-error.js";
import { PLATFORM } from "../platform.token.js";
import { TaskRunReader } from "./task-run-reader.js";

/** Passes users' signals on to a run; the run's rules hand each to a wait (`decideSignals`). */
@Injectable()
export class SignalSender {
  constructor(
    @Inject(PLATFORM) private readonly platform: Platform,
    private readonly runs: TaskRunReader,
  ) {}

  /**
   * Appends `signal.received {signalId, name, payload}` to the run while it is open (`RUN_OPEN`) and
   * answers with the new signal's id. An unknown run (or one of another namespace) is a 404 `TASK_RUN_NOT_FOUND`; a run that ended,
   * before or while the signal was recorded, a 409 `RUN_ENDED` (nothing is recorded).
   */
  async send(namespace: string, taskRunId: string, name: string, payload: JsonValue): Promise<SendSignalResponse> {
    const run = await this.runs.status(namespace, taskRunId);
    if (!run) throw runNotFound(taskRunId);
    if (ENDED_STATUSES.includes(run.status)) throw runEnded(taskRunId, run.status);
    const signalId = newId();
    try {
      await this.platform.store.append(runStreamId(taskRunId), [RUN_OPEN], [
        { type: "signal.received", data: { signalId, name, payload }, metadata: { correlationId: taskRunId } },
      ]);
    } catch (error) {
      if (isConcurrencyError(error)) throw runEnded(taskRunId, (await this.runs.status(namespace, taskRunId))?.status ?? "ended");
      throw error;
    }
    return { signalId };
  }
}

function runEnded(taskRunId: string, status: string): ApiError {
  return new ApiError(409, "RUN_ENDED", `task run ${taskRunId} has ended (${status}): it takes no more signals`, "taskRunId");
}
