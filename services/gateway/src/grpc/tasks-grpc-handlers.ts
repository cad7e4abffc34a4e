import type { Metadata, sendUnaryData, ServerUnaryCall, UntypedServiceImplementation } from "@grpc/grpc-js";
import { SubmitTaskRequest, type TaskErrorView, TaskRunIdParam, type TaskRunView, ValidationError } from "@tasker/contracts";
import type { Caller, GatewayAction } from "../auth/access-rule.js";
import type { RequestAuthenticator } from "../auth/request-authenticator.js";
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

/** The `authorization` metadata of a call (`Bearer <key>`), as HTTP's header. */
function authorizationOf(metadata: Metadata): string | undefined {
  const [value] = metadata.get("authorization");
  return typeof value === "string" ? value : undefined;
}

/**
 * A unary handler from an async function, for a caller authorized for `action` by its
 * `authorization` metadata; its errors (401 and 403 included) become gRPC statuses.
 */
function unary<Request, Response>(authenticator: RequestAuthenticator, action: GatewayAction, handle: (caller: Caller, request: Request) => Promise<Response>) {
  return (call: ServerUnaryCall<Request, Response>, callback: sendUnaryData<Response>) => {
    authenticator.authorize(authorizationOf(call.metadata), action).then((caller) => handle(caller, call.request)).then(
      (response) => callback(null, response),
      (error: unknown) => callback(toGrpcError(error)),
    );
  };
}

/** `tasker.v1.Tasks`: the same services and rules (keys and namespaces included) as the HTTP API's `/tasks`. */
export function tasksGrpcHandlers(submitter: TaskSubmitter, runs: TaskRunReader, authenticator: RequestAuthenticator): UntypedServiceImplementation {
  return {
    SubmitTask: unary(authenticator, "runs.submit", async (caller, message: SubmitTaskMessage) => {
      const request = parseRequest(
        SubmitTaskRequest,
        { taskName: message.taskName, input: parseInputJson(message.inputJson), idempotencyKey: message.idempotencyKey, timeoutMs: message.timeoutMs },
        fieldOf,
      );
      return submitter.submit(caller.namespace, request);
    }),
    GetTask: unary(authenticator, "runs.read", async (caller, message: { taskRunId: string }) => {
      const taskRunId = parseRequest(TaskRunIdParam, message.taskRunId, () => "taskRunId");
      const run = await runs.read(caller.namespace, taskRunId);
      if (!run) throw runNotFound(taskRunId);
      return toTaskRunMessage(run);
    }),
  };
}
