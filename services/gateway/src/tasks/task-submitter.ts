import { isDeepStrictEqual } from "node:util";
import { Inject, Injectable } from "@nestjs/common";
import { type RunEnd, requestDirectStart } from "@tasker/bus";
import { DIRECT_START_WAIT_MS, type DirectStartRequest, type JsonValue, namespaceField, newId, type RecordedEvent, RUN_END_EVENT_TYPES, runStreamId, type RunSubmitted, type SubmitTaskRequest } from "@tasker/contracts";
import { isConcurrencyError } from "@tasker/event-store";
import type { Platform } from "@tasker/platform";
import { traceparentOf, withSpan } from "@tasker/telemetry";
import { ApiError } from "../http/api-error.js";
import { PLATFORM } from "../platform.token.js";
import { TaskFunctionCatalog } from "../task-functions/task-function-catalog.js";
import { type KeyedRun, type RunStatus, TaskRunReader } from "./task-run-reader.js";
import { type RunSubmission, STATUS_OF_END, submissionOf } from "./view-from-end.js";

/** What a submit answers: the run's id and status, and, for a run this submit started, its submission as recorded. */
export interface SubmittedRun extends RunStatus {
  /** Undefined for a run found by its idempotency key. */
  readonly submission?: RunSubmission;
  /** The run's ending event, when an executor recorded the run whole with its submission (see `TaskSubmitter.submit`). */
  readonly end?: RunEnd;
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
   *
   * `startWithinMs` (a submit that waits that long for the run's end; 0: none): the two events are
   * first offered to the executors (`requestDirectStart`), one of which may run the root at once and
   * record the run whole, submission, start, outcome and end in one append (then the answer carries
   * the end); when none does within `startWithinMs` (at most `DIRECT_START_WAIT_MS`), they are
   * appended here as without it.
   */
  submit(namespace: string, request: SubmitTaskRequest, startWithinMs = 0): Promise<SubmittedRun> {
    const spec = () => ({ attributes: { "tasker.task.name": request.taskName, "tasker.namespace": namespace } });
    return withSpan(`submit ${request.taskName}`, spec, async (span) => {
      const status = await this.submitNow(namespace, request, Math.min(startWithinMs, DIRECT_START_WAIT_MS));
      span?.setAttribute("tasker.task_run.id", status.taskRunId);
      return status;
    });
  }

  private async submitNow(namespace: string, request: SubmitTaskRequest, startWithinMs: number): Promise<SubmittedRun> {
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
    const events = [
      { type: "run.submitted", data: { taskRunId, ...namespaceField(namespace), taskName: request.taskName, taskVersion, input, idempotencyKey: key }, metadata },
      {
        type: "stack.created",
        data: { stackRunId: newId(), parentStackRunId: null, seq: null, service: "tasks", method: ["execute"], args: [request.taskName, input], depth: 0, taskVersion, ...timer, ...namespaceField(namespace) },
        metadata,
      },
    ] as const satisfies DirectStartRequest["events"];
    const { nats, config } = this.platform;
    const startAtOnce = startWithinMs > 0;
    const direct = startAtOnce ? await requestDirectStart(nats, config.TASKER_SUBJECT_PREFIX, events, startWithinMs) : undefined;
    if (direct && "recorded" in direct) return this.recordedWhole(namespace, taskRunId, direct.recorded);
    let recorded: RecordedEvent;
    try {
      [recorded] = (await this.platform.store.append(runStreamId(taskRunId), "no_stream", events)).events as [RecordedEvent];
    } catch (error) {
      const winner = key !== null && isConcurrencyError(error) ? await this.runs.byIdempotencyKey(namespace, request.taskName, key) : undefined;
      if (winner && key !== null) return sameSubmission(winner, input, key);
      // The id is new: only the executor offered the start can have recorded the run, its answer lost or late.
      if (startAtOnce && isConcurrencyError(error)) return { taskRunId, status: "queued" };
      throw error;
    }
    // The input as the store recorded it (and `GET /tasks/:id` shows it), not as the request had it.
    return { taskRunId, status: "queued", ...(recorded.type === "run.submitted" ? { submission: submissionOf(recorded as RecordedEvent<RunSubmitted>) } : {}) };
  }

  /** A run an executor recorded whole: its submission and end as the answer carried them, else its status as read. */
  private async recordedWhole(namespace: string, taskRunId: string, recorded: readonly RecordedEvent[]): Promise<SubmittedRun> {
    const submitted = recorded.find((event): event is RecordedEvent<RunSubmitted> => event.type === "run.submitted" && event.data.taskRunId === taskRunId);
    const end = recorded.find((event): event is RunEnd => RUN_END_EVENT_TYPES.includes(event.type) && event.metadata.streamId === runStreamId(taskRunId));
    if (submitted && end) return { taskRunId, status: STATUS_OF_END[end.type], submission: submissionOf(submitted), end };
    return { taskRunId, status: (await this.runs.read(namespace, taskRunId))?.status ?? "queued" };
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
