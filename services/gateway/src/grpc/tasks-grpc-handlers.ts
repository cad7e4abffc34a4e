import type { UntypedServiceImplementation } from "@grpc/grpc-js";
import {
  ApiTaskName,
  CancelTaskRequest,
  EventStreamCursor,
  PublishTaskFunctionRequest,
  type RecordedEvent,
  RunListCursorText,
  RunListLimit,
  RunListSince,
  RunListStatus,
  ResultWaitSeconds,
  SubmitTaskRequest,
  type TaskErrorView,
  TaskRunIdParam,
  type TaskRunView,
  ValidationError,
} from "@tasker/contracts";
import type { RequestAuthenticator } from "../auth/request-authenticator.js";
import { runNotFound } from "../http/api-error.js";
import { parseRequest } from "../http/parse-request.js";
import type { TaskFunctionCatalog } from "../task-functions/task-function-catalog.js";
import type { TaskFunctionPublisher } from "../task-functions/task-function-publisher.js";
import type { RunCanceller } from "../tasks/run-canceller.js";
import type { RunEventFeed } from "../tasks/run-event-feed.js";
import { decodeRunListCursor } from "../tasks/run-list-cursor.js";
import type { RunListReader } from "../tasks/run-list-reader.js";
import type { SubmitAndWait } from "../tasks/submit-and-wait.js";
import type { TaskRunReader } from "../tasks/task-run-reader.js";
import { serverStream, unary } from "./grpc-calls.js";

interface SubmitTaskMessage {
  taskName: string;
  inputJson: string;
  idempotencyKey?: string;
  timeoutMs?: number;
  waitSeconds?: number;
}

/** `ListTasksRequest`: every field optional, unset ones absent (`oneofs: true`). */
interface ListTasksMessage {
  status?: string;
  taskName?: string;
  since?: string;
  limit?: number;
  cursor?: string;
}

function parseInputJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`inputJson: not valid JSON: ${(error as Error).message}`, "inputJson");
  }
}

const fieldOf = (path: readonly PropertyKey[]) => path.map(String).join(".") || "request";

/** A `TaskError` message: the code as text, and as `codeNumber` too when it is a number. */
function toTaskErrorMessage(error: TaskErrorView): Record<string, unknown> {
  return {
    code: String(error.code),
    ...(typeof error.code === "number" ? { codeNumber: error.code } : {}),
    message: error.message,
    name: error.name,
    ...(error.stack === undefined ? {} : { stack: error.stack }),
    ...(error.cause ? { cause: toTaskErrorMessage(error.cause) } : {}),
    ...(error.details ? { detailsJson: JSON.stringify(error.details) } : {}),
  };
}

function toTaskRunMessage(run: TaskRunView) {
  return {
    taskRunId: run.taskRunId,
    taskName: run.taskName,
    status: run.status,
    inputJson: JSON.stringify(run.input),
    ...(run.status === "completed" ? { resultJson: JSON.stringify(run.result ?? null) } : {}),
    ...(run.error ? { error: toTaskErrorMessage(run.error) } : {}),
    logs: run.logs,
    ...(run.logsOmitted ? { logsOmitted: run.logsOmitted } : {}),
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
  };
}

/** A `TaskEvent` message: the type, the version, the recorded event as JSON (as SSE's `data:` line). */
async function* toTaskEventMessages(events: AsyncIterable<RecordedEvent>) {
  for await (const event of events) yield { type: event.type, version: event.metadata.streamVersion, eventJson: JSON.stringify(event) };
}

/** The gateway's services that `tasker.v1.Tasks` calls, as the HTTP controllers do. */
export interface TasksGrpcServices {
  readonly submitAndWait: SubmitAndWait;
  readonly runs: TaskRunReader;
  readonly list: RunListReader;
  readonly canceller: RunCanceller;
  readonly feed: RunEventFeed;
  readonly publisher: TaskFunctionPublisher;
  readonly catalog: TaskFunctionCatalog;
  readonly authenticator: RequestAuthenticator;
}

/**
 * `tasker.v1.Tasks`: the same services and rules (keys and namespaces included) as the HTTP API's
 * `/tasks` and `/task-functions`. `closing` aborts when the server stops: every `WatchTask` stream ends.
 */
export function tasksGrpcHandlers(services: TasksGrpcServices, closing: AbortSignal): UntypedServiceImplementation {
  const { submitAndWait, runs, list, canceller, feed, publisher, catalog, authenticator } = services;
  return {
    SubmitTask: unary(authenticator, "runs.submit", async (caller, message: SubmitTaskMessage, signal) => {
      const request = parseRequest(
        SubmitTaskRequest,
        { taskName: message.taskName, input: parseInputJson(message.inputJson), idempotencyKey: message.idempotencyKey, timeoutMs: message.timeoutMs },
        fieldOf,
      );
      const wait = parseRequest(ResultWaitSeconds, message.waitSeconds, () => "waitSeconds");
      const answer = await submitAndWait.submit(caller.namespace, request, wait, AbortSignal.any([signal, closing]));
      if ("pending" in answer) return answer.pending;
      return { taskRunId: answer.ended.taskRunId, status: answer.ended.status, run: toTaskRunMessage(answer.ended) };
    }),
    GetTask: unary(authenticator, "runs.read", async (caller, message: { taskRunId: string }) => {
      const taskRunId = parseRequest(TaskRunIdParam, message.taskRunId, () => "taskRunId");
      const run = await runs.read(caller.namespace, taskRunId);
      if (!run) throw runNotFound(taskRunId);
      return toTaskRunMessage(run);
    }),
    ListTasks: unary(authenticator, "runs.read", async (caller, message: ListTasksMessage) => {
      const cursor = parseRequest(RunListCursorText, message.cursor, () => "cursor");
      return list.list(caller.namespace, {
        status: parseRequest(RunListStatus, message.status, () => "status"),
        taskName: parseRequest(ApiTaskName.optional(), message.taskName, () => "taskName"),
        since: parseRequest(RunListSince, message.since, () => "since"),
        limit: parseRequest(RunListLimit, message.limit, () => "limit"),
        ...(cursor === undefined ? {} : { after: decodeRunListCursor(cursor) }),
      });
    }),
    WatchTask: serverStream(authenticator, "runs.read", closing, async (caller, message: { taskRunId: string; afterVersion: number }, signal) => {
      const taskRunId = parseRequest(TaskRunIdParam, message.taskRunId, () => "taskRunId");
      const afterVersion = parseRequest(EventStreamCursor, message.afterVersion, () => "afterVersion");
      if (!(await feed.exists(caller.namespace, taskRunId))) throw runNotFound(taskRunId);
      return toTaskEventMessages(feed.follow(caller.namespace, taskRunId, afterVersion, signal));
    }),
    CancelTask: unary(authenticator, "runs.cancel", async (caller, message: { taskRunId: string; reason?: string }) => {
      const taskRunId = parseRequest(TaskRunIdParam, message.taskRunId, () => "taskRunId");
      const { reason } = parseRequest(CancelTaskRequest, { reason: message.reason }, fieldOf);
      const run = await canceller.cancel(caller.namespace, taskRunId, reason);
      return { taskRunId: run.taskRunId, status: run.status };
    }),
    PublishTaskFunction: unary(authenticator, "task-functions.publish", async (caller, message: { name: string; code: string; description?: string }) => {
      const request = parseRequest(PublishTaskFunctionRequest, { name: message.name, code: message.code, description: message.description }, fieldOf);
      return publisher.publish(caller.namespace, request);
    }),
    ListTaskFunctions: unary(authenticator, "task-functions.read", async (caller) => ({ taskFunctions: await catalog.list(caller.namespace) })),
  };
}
