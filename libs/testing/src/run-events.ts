import type { ErrorInfo, JsonValue, TaskerEvent } from "@tasker/contracts";
import { newId } from "@tasker/contracts";

/** Hand-made events of one run, as the gateway, the executor and the wrapped services append them. */
export function runEvents(taskRunId = newId(), rootId = newId()) {
  return {
    taskRunId,
    rootId,
    submitted: (): TaskerEvent[] => [
      { type: "run.submitted", data: { taskRunId, taskName: "t", taskVersion: "v1", input: null, idempotencyKey: null } },
      {
        type: "stack.created",
        data: { stackRunId: rootId, parentStackRunId: null, seq: null, service: "tasks", method: ["execute"], args: ["t", null], depth: 0, taskVersion: "v1" },
      },
    ],
    call: (stackRunId: string, seq: number, parent = rootId, depth = 1, service = "gapi"): TaskerEvent => ({
      type: "stack.created",
      data: { stackRunId, parentStackRunId: parent, seq, service, method: ["admin", "list"], args: [], depth, taskVersion: null },
    }),
    suspended: (activation: number, waitingOn: number[], stackRunId = rootId, worker = "executor-1"): TaskerEvent => ({
      type: "vm.suspended",
      data: { stackRunId, activation, at: 1000 * activation, waitingOn, worker },
    }),
    resumed: (activation: number, stackRunId = rootId): TaskerEvent => ({ type: "vm.resumed", data: { stackRunId, activation, at: 1000 * activation } }),
    completed: (stackRunId: string, result: JsonValue): TaskerEvent => ({ type: "stack.completed", data: { stackRunId, result } }),
    failed: (stackRunId: string, error: ErrorInfo): TaskerEvent => ({ type: "stack.failed", data: { stackRunId, error } }),
  };
}
