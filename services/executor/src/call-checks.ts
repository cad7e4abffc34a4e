import type { ErrorInfo } from "@tasker/contracts";
import type { ToolCall } from "@tasker/sandbox";

/** The services a call may address: each has (or will have) its consumer. */
export const KNOWN_SERVICES: ReadonlySet<string> = new Set(["tasks", "gapi", "openai", "websearch", "keystore", "database", "sleep"]);

export interface CallContext {
  /** Depth of the calling stack run (the root is 0). */
  depth: number;
  maxDepth: number;
  taskVersions: ReadonlyMap<string, string>;
}

/** Why a new call fails at once, or undefined when it is to be made. */
export function rejectionOf(call: ToolCall, context: CallContext): ErrorInfo | undefined {
  if (!KNOWN_SERVICES.has(call.service)) {
    return { code: "UNKNOWN_SERVICE", name: "Error", message: `no service "${call.service}": use one of ${[...KNOWN_SERVICES].join(", ")}` };
  }
  if (call.service !== "tasks") return undefined;
  const [name] = call.args;
  if (call.method.join(".") !== "execute" || typeof name !== "string") {
    return { code: "INVALID_ARGUMENTS", name: "Error", message: "tasks calls are tasks.execute(name, input) with a task name string" };
  }
  if (!context.taskVersions.has(name)) return { code: "TASK_NOT_FOUND", name: "Error", message: `no task named "${name}" is published` };
  if (context.depth + 1 > context.maxDepth) {
    return {
      code: "MAX_DEPTH_EXCEEDED",
      name: "Error",
      message: `calling "${name}" would nest ${context.depth + 1} deep; the limit is ${context.maxDepth} (TASKER_MAX_DEPTH)`,
    };
  }
  return undefined;
}
