import { Injectable } from "@nestjs/common";
import { ENDED_STATUSES, type SubmitTaskRequest, type TaskRunView } from "@tasker/contracts";
import { RunWaiter } from "./run-waiter.js";
import { type RunStatus, TaskRunReader } from "./task-run-reader.js";
import { TaskSubmitter } from "./task-submitter.js";
import { viewFromEnd } from "./view-from-end.js";

/** What a submit with a wait answers: the run once it ended within the wait, else its id and status at that moment. */
export type SubmitAndWaitAnswer = { readonly ended: TaskRunView } | { readonly pending: RunStatus };

/** Submits a run and holds the request until it ends (`POST /tasks?wait=`, gRPC `SubmitTask` with `wait_seconds`). */
@Injectable()
export class SubmitAndWait {
  constructor(
    private readonly submitter: TaskSubmitter,
    private readonly runs: TaskRunReader,
    private readonly waiter: RunWaiter,
  ) {}

  /**
   * Submits as `TaskSubmitter.submit` does (same errors; offering the run to the executors to start at
   * once, when `seconds` is not 0: a run they recorded whole is answered from its end), then waits for
   * the run to end until `seconds` (0 to 60; 0: not at all, the answer is the submit's) have passed
   * since the call, the submit's own wait counted, or until `signal` aborts (the client went away). A run found by its idempotency key is waited on the same way; one that had already ended is
   * read at once. The run is answered as `GET /tasks/:taskRunId` shows it: from its submission and
   * its ending event when these tell all (`viewFromEnd`), else read once, after the wait.
   */
  async submit(namespace: string, request: SubmitTaskRequest, seconds: number, signal: AbortSignal): Promise<SubmitAndWaitAnswer> {
    const deadline = performance.now() + seconds * 1000;
    const submitted = await this.submitter.submit(namespace, request, seconds * 1000);
    if (seconds === 0) return { pending: { taskRunId: submitted.taskRunId, status: submitted.status } };
    const recorded = submitted.submission && submitted.end && viewFromEnd(submitted.submission, submitted.end);
    if (recorded) return { ended: recorded };
    const run = ENDED_STATUSES.includes(submitted.status)
      ? await this.runs.read(namespace, submitted.taskRunId)
      : await this.waiter.waitForSubmitted(namespace, submitted.taskRunId, submitted.submission, Math.max(0, deadline - performance.now()) / 1000, signal);
    if (run && ENDED_STATUSES.includes(run.status)) return { ended: run };
    return { pending: { taskRunId: submitted.taskRunId, status: run?.status ?? submitted.status } };
  }
}
