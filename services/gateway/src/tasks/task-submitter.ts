import { isDeepStrictEqual } from "node:util";
import { Inject, Injectable } from "@nestjs/common";
import { type JsonValue, namespaceField, newId, type RecordedEvent, runStreamId, type SubmitTaskRequest } from "@tasker/contracts";
import { isConcurrencyError } from "@tasker/event-store";
import type { Platform } from "@tasker/platform";
import { traceparentOf, withSpan } from "@tasker/telemetry";
import { ApiError } from "../http/api-error.js";
import { PLATFORM } from "../platform.token.js";
import { TaskFunctionCatalog } from "../task-functions/task-function-catalog.js";
import { type KeyedRun, type RunStatus, TaskRunReader } from "./task-run-reader.js";
import type { RunSubmission } from "./view-from-end.js";

/** What a submit answers: the run's id and status, and, for a run this submit started, its submission as recorded. */
export interface SubmittedRun extends RunStatus {
  /** Undefined for a run found by its idempotency key. */
  readonly submission?: RunSubmission;
}

/** Starts task runs: the first events of a run's stream, at the current version of its task. */
@Injectable()
export class TaskSubmitter {
  constructor(
    @Inject(PLATFORM) private readonly platform: Platform,
    private readonly catalog: TaskFunctionCatalog,
    private readonly runs: TaskRunReader,
  ) {}

  /**
   * Appends `run.submitted` + the root `stack.created` (pinned to the current version of the task of
   * that name in `namespace`, both naming the namespace) to a new run stream. With an `idempotencyKey`
   * this task's runs in `namespace` already used, answers with that run instead
   * (looked up first, and again when a concurrent submit with the same key won the race to the unique
   * key), or `409 IDEMPOTENCY_CONFLICT` when that run was submitted with another input (JSON values
   * compared as values: the order of keys does not matter). With `timeoutMs` (at most
   * `TASKER_MAX_TIMER_MS`, else `400` naming it), the root carries a `dueAt` that many milliseconds
   * from now: the run fails with `TIMEOUT` if it has not ended by then.
   * Traced, this mints the run's trace: span `submit <task>` (under the request's span), which both
   * events name as their `traceparent`, so the root stack run's span is its child.
   */
  submit(namespace: string, request: SubmitTaskRequest): Promise<SubmittedRun> {
    const spec = () => ({ attributes: { "tasker.task.name": request.taskName, "tasker.namespace": namespace } });
    return withSpan(`submit ${request.taskName}`, spec, async (span) => {
      const status = await this.submitNow(namespace, request);
      span?.setAttribute("tasker.task_run.id", status.taskRunId);
      return status;
    });
  }

  private async submitNow(namespace: string, request: SubmitTaskRequest): Promise<SubmittedRun> {
    const key = request.idempotencyKey ?? null;
    const maxTimerMs = this.platform.config.TASKER_MAX_TIMER_MS;
    if (request.timeoutMs !== undefined && request.timeoutMs > maxTimerMs) {
      throw new ApiError(400, "VALIDATION_FAILED", `timeoutMs: must be at most ${maxTimerMs} milliseconds (TASKER_MAX_TIMER_MS)`, "timeoutMs");
    }
    // The schema checked it is JSON (at most `MAX_JSON_DEPTH` deep); `null` stands for "no input".
    const input = (request.input ?? null) as JsonValue;
    const existing = key === null ? undefined : await this.runs.byIdempotencyKey(namespace, request.taskName, key);
    if (existing && key !== null) return sameSubmission(existing, input, key);
    const taskVersion = await this.catalog.currentVersion(namespace, request.taskName);
    if (taskVersion === undefined) {
      throw new ApiError(404, "TASK_NOT_FOUND", `no task function named "${request.taskName}" was published; publish it with POST /task-functions first`, "taskName");
    }
    const taskRunId = newId();
    const metadata = { correlationId: taskRunId, traceparent: traceparentOf() };
    const timer = request.timeoutMs === undefined ? {} : { dueAt: new Date(Date.now() + request.timeoutMs).toISOString() };
    let recorded: RecordedEvent;
    try {
      [recorded] = (await this.platform.store.append(runStreamId(taskRunId), "no_stream", [
        { type: "run.submitted", data: { taskRunId, ...namespaceField(namespace), taskName: request.taskName, taskVersion, input, idempotencyKey: key }, metadata },
        {
          type: "stack.created",
          data: { stackRunId: newId(), parentStackRunId: null, seq: null, service: "tasks", method: ["execute"], args: [request.taskName, input], depth: 0, taskVersion, ...timer, ...namespaceField(namespace) },
          metadata,
        },
      ])).events as [RecordedEvent];
    } catch (error) {
      const winner = key !== null && isConcurrencyError(error) ? await this.runs.byIdempotencyKey(namespace, request.taskName, key) : undefined;
      if (winner && key !== null) return sameSubmission(winner, input, key);
      throw error;
    }
    // The input as the store recorded it (and `GET /tasks/:id` shows it), not as the request had it.
    const submission = recorded.type === "run.submitted" ? { taskRunId, taskName: recorded.data.taskName, input: recorded.data.input, createdAt: recorded.metadata.recordedAt } : undefined;
    return { taskRunId, status: "queued", ...(submission ? { submission } : {}) };
  }
}

/** The run a repeated submission answers with, when it asks for the same input the key was first used with. */
function sameSubmission(run: KeyedRun, input: JsonValue, key: string): RunStatus {
  if (!isDeepStrictEqual(run.input, input)) {
    const message = `the idempotencyKey ${JSON.stringify(key)} was used for run ${run.taskRunId} of this task with another input; a different input needs a new key`;
    throw new ApiError(409, "IDEMPOTENCY_CONFLICT", message, "idempotencyKey");
  }
  return { taskRunId: run.taskRunId, status: run.status };
}
