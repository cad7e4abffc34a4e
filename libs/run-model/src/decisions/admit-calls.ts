import { type ErrorInfo, MAX_TASK_NAME_LENGTH, SignalName, TASK_NAME_PATTERN } from "@tasker/contracts";
import { passesSecret } from "../secret-calls.js";
import { type Caller, useRefusal } from "./uses.js";

/** The services a call may address: each has (or will have) its consumer. */
export const KNOWN_SERVICES: ReadonlySet<string> = new Set(["tasks", "gapi", "openai", "websearch", "keystore", "database", "sleep", "signals"]);

/** A call a stack run made, before it is recorded. */
export interface ProposedCall {
  readonly seq: number;
  readonly service: string;
  readonly method: readonly string[];
  readonly args: readonly unknown[];
}

/** What admission weighs a stack run's new calls against. */
export interface AdmissionContext {
  /** Depth of the calling stack run (the root is 0). */
  readonly depth: number;
  /** `TASKER_MAX_DEPTH`. */
  readonly maxDepth: number;
  /** For a `tasks` call: the code version the named task resolves to, null when none is published. */
  readonly taskVersionOf: (taskName: string) => string | null;
  /** Calls of the caller still waiting from earlier activations. */
  readonly pendingBefore: number;
  /** `TASKER_MAX_PENDING_CALLS`. */
  readonly maxPendingCalls: number;
  /** Calls the run may still make: `maxStackRuns` less those it made (Infinity when unknown). */
  readonly stackRunsLeft: number;
  /** `TASKER_MAX_STACK_RUNS`. */
  readonly maxStackRuns: number;
  /** `TASKER_MAX_TIMER_MS`: the longest `sleep` or `timeoutMs` a call may ask for. */
  readonly maxTimerMs: number;
  /** Whether the recorder can seal a secret a call passes (`TASKER_MASTER_KEY` is set). */
  readonly canSealSecrets: boolean;
  /** The calling task: its name and its published `@uses`. */
  readonly caller: Caller;
  /** `TASKER_ENFORCE_USES`: a call needing an undeclared use is refused (`PERMISSION_DENIED`). */
  readonly enforceUses: boolean;
}

const fail = (code: string, message: string): ErrorInfo => ({ code, name: "Error", message });

/**
 * Which of `calls` (in seq order) are refused, with the error each one's promise rejects with: an
 * unknown service, with `enforceUses` a call needing a use its caller does not declare
 * (`PERMISSION_DENIED`, see `uses.ts`), a `tasks` call that is not `execute(name, input,
 * {timeoutMs}?)` with a task name, a task that is not published, a call nested past `maxDepth`, a `sleep(ms)` without a number of ms or
 * longer than `maxTimerMs`, a `signals.wait(name, {timeoutMs}?)` without a signal name, a `timeoutMs`
 * that is not a positive number up to `maxTimerMs`, more calls waiting at once than `maxPendingCalls`,
 * or more calls in the run than it has left. A refused call is recorded as made and failed, so the
 * task receives the error like any other call's and may catch it; the rest are admitted. The one rule
 * for both the executor that records the calls and the executor that starts a nested task.
 */
export function admitCalls(calls: readonly ProposedCall[], context: AdmissionContext): Map<number, ErrorInfo> {
  const refused = new Map<number, ErrorInfo>();
  let admitted = 0;
  for (const call of calls) {
    const refusal = refusalOf(call, context, admitted);
    if (refusal) refused.set(call.seq, refusal);
    else admitted += 1;
  }
  return refused;
}

function refusalOf(call: ProposedCall, context: AdmissionContext, admittedBefore: number): ErrorInfo | undefined {
  if (!KNOWN_SERVICES.has(call.service)) {
    return fail("UNKNOWN_SERVICE", `no service "${call.service}": use one of ${[...KNOWN_SERVICES].join(", ")}`);
  }
  if (context.enforceUses) {
    const refusal = useRefusal(call, context.caller);
    if (refusal) return refusal;
  }
  if (call.service === "tasks") {
    const [name] = call.args;
    if (call.method.join(".") !== "execute" || typeof name !== "string" || name.length > MAX_TASK_NAME_LENGTH || !TASK_NAME_PATTERN.test(name)) {
      return fail("INVALID_ARGUMENT", "tasks calls are tasks.execute(name, input) with the name of a published task");
    }
    if (context.taskVersionOf(name) === null) return fail("TASK_NOT_FOUND", `no task named "${name}" is published`);
    if (context.depth + 1 > context.maxDepth) {
      return fail("MAX_DEPTH_EXCEEDED", `calling "${name}" would nest ${context.depth + 1} deep; the limit is ${context.maxDepth} (TASKER_MAX_DEPTH)`);
    }
    const options = optionsRefusal(call.args[2], "tasks.execute(name, input, options)", context);
    if (options) return options;
  }
  if (passesSecret(call) && !context.canSealSecrets) {
    return fail("MASTER_KEY_MISSING", "tools.keystore.set needs TASKER_MASTER_KEY, to keep the value sealed in the run's history; it is not set");
  }
  if (call.service === "sleep") {
    const [ms] = call.args;
    if (call.method.join(".") !== "sleep" || typeof ms !== "number" || call.args.length > 1) {
      return fail("INVALID_ARGUMENT", "sleep takes one argument, a number of milliseconds: tools.sleep(ms)");
    }
    if (ms > context.maxTimerMs) return fail("INVALID_ARGUMENT", `tools.sleep(${ms}) is longer than the longest sleep, ${context.maxTimerMs} ms (TASKER_MAX_TIMER_MS)`);
  }
  if (call.service === "signals") {
    const [name, options] = call.args;
    if (call.method.join(".") !== "wait" || !SignalName.safeParse(name).success) {
      return fail("INVALID_ARGUMENT", "signals calls are tools.signals.wait(name, {timeoutMs}?) with a name of 1-200 letters, digits, '.', '_', '-' and '/'");
    }
    const refusal = optionsRefusal(options, "tools.signals.wait(name, options)", context);
    if (refusal) return refusal;
  }
  const waiting = context.pendingBefore + admittedBefore + 1;
  if (waiting > context.maxPendingCalls) {
    return fail("TOO_MANY_PENDING_CALLS", `${waiting} calls would wait at once; the limit is ${context.maxPendingCalls} (TASKER_MAX_PENDING_CALLS)`);
  }
  if (admittedBefore >= context.stackRunsLeft) {
    return fail("TOO_MANY_STACK_RUNS", `the run has made ${context.maxStackRuns} calls, as many as one run may (TASKER_MAX_STACK_RUNS)`);
  }
  return undefined;
}

/** Why a call's `options` (undefined, or an object with an optional `timeoutMs`) are refused, if they are. */
function optionsRefusal(options: unknown, call: string, context: AdmissionContext): ErrorInfo | undefined {
  if (options === undefined || options === null) return undefined;
  if (typeof options !== "object" || Array.isArray(options)) return fail("INVALID_ARGUMENT", `the options of ${call} must be an object`);
  const { timeoutMs } = options as { timeoutMs?: unknown };
  if (timeoutMs === undefined) return undefined;
  if (typeof timeoutMs !== "number" || !(timeoutMs > 0) || timeoutMs > context.maxTimerMs) {
    return fail("INVALID_ARGUMENT", `options.timeoutMs of ${call} must be a number of milliseconds above 0 and at most ${context.maxTimerMs} (TASKER_MAX_TIMER_MS)`);
  }
  return undefined;
}
