import type { sendUnaryData, ServerUnaryCall, UntypedServiceImplementation } from "@grpc/grpc-js";
import { SubmitTaskRequest, type TaskErrorView, TaskRunIdParam, type TaskRunView, ValidationError } from "@tasker/contracts";
import { runNotFound } from "../http/api-error.js";
import { parseRequest } from "../http/parse-request.js";
import type { TaskRunReader } from "../tasks/task-run-reader.js";
import type { TaskSubmitter } from "../tasks/task-submitter.js";
import { toGrpcError } from "./grpc-status.js";

interface SubmitTaskMessage {
  taskName: string;
  inputJson: string;
  idempotencyKey?: string;
  timeoutMs?: number;
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

/** A unary handler from an async function; its errors become gRPC statuses. */
function unary<Request, Response>(handle: (request: Request) => Promise<Response>) {
  return (call: ServerUnaryCall<Request, Response>, callback: sendUnaryData<Response>) => {
    handle(call.request).then(
      (response) => callback(null, response),
      (error: unknown) => callback(toGrpcError(error)),
    );
  };
}

/** `tasker.v1.Tasks`: the same services and rules as the HTTP API's `/tasks`. */
export function tasksGrpcHandlers(submitter: TaskSubmitter, runs: TaskRunReader): UntypedServiceImplementation {
  return {
    SubmitTask: unary(async (message: SubmitTaskMessage) => {
      const request = parseRequest(
        SubmitTaskRequest,
        { taskName: message.taskName, input: parseInputJson(message.inputJson), idempotencyKey: message.idempotencyKey, timeoutMs: message.timeoutMs },
        fieldOf,
      );
      return submitter.submit(request);
    }),
    GetTask: unary(async (message: { taskRunId: string }) => {
      const taskRunId = parseRequest(TaskRunIdParam, message.taskRunId, () => "taskRunId");
      const run = await runs.read(taskRunId);
      if (!run) throw runNotFound(taskRunId);
      return toTaskRunMessage(run);
    }),
  };
}
