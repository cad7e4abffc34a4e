import type { ErrorInfo, StackCreated } from "@tasker/contracts";
import { admitCalls } from "@tasker/run-model";
import type { CallLimits } from "./activation-append.js";

/**
 * Why the start of the `tasks` call `created` is refused (too deep, too many stack runs, no such task,
 * a timer too long), by the run-model's `admitCalls`: the same rule that admitted the call when its
 * parent made it, so only a root is refused here alone (a refused nested call was recorded as failed
 * then). A tasks call needs no `@uses`: the caller's declarations are not weighed. Undefined: admitted.
 */
export function startRefusal(created: Pick<StackCreated["data"], "method" | "args" | "depth" | "taskVersion">, limits: CallLimits): ErrorInfo | undefined {
  const { method, args, depth, taskVersion } = created;
  return admitCalls([{ seq: 0, service: "tasks", method, args }], {
    depth: depth - 1,
    maxDepth: limits.maxDepth,
    taskVersionOf: () => taskVersion,
    pendingBefore: 0,
    maxPendingCalls: Number.POSITIVE_INFINITY,
    stackRunsLeft: Number.POSITIVE_INFINITY,
    maxStackRuns: limits.maxStackRuns,
    maxTimerMs: limits.maxTimerMs,
    canSealSecrets: limits.canSealSecrets,
    caller: { task: "", uses: [] },
    enforceUses: false,
  }).get(0);
}
