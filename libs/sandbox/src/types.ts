import type { ErrorDetails, ErrorInfo } from "@tasker/contracts";

/** A tool invocation made by task code. `seq` numbers the calls of one stack run 0, 1, 2, ... in call order. */
export type ToolCall = { seq: number; service: string; method: string[]; args: unknown[] };

/**
 * The settled result of a call, delivered to the VM in a resume batch. `value` and `args` are JSON
 * values; a failed call's task rejects with an Error rebuilt from `error` (see the README's "Writing a task").
 */
export type CallResult = { seq: number; ok: true; value: unknown } | { seq: number; ok: false; error: ErrorInfo };

/**
 * Why a task failed, in a form that crosses process boundaries by `code` (a non-empty string, or the
 * task's own finite number): an `ErrorInfo` with a `name` at every level of `cause`.
 */
export type SandboxError = { code: string | number; name: string; message: string; stack?: string; cause?: SandboxError; details?: ErrorDetails };

/**
 * The state a task reached at the end of an activation, with `calls`: the calls made in this
 * activation, in seq order (empty when it made none; a suspended task may still wait on calls made
 * earlier). Every call made is reported, whatever the outcome: a task that `completed` or `failed`
 * may have left calls pending (made without awaiting them); the host records them and cancels those
 * still pending (their results are never delivered).
 *
 * Every outcome can be recorded as it is: its strings hold no `\u0000` and no unpaired surrogate, its
 * JSON values nest at most `MAX_JSON_DEPTH` levels, and the error fields, service names and method
 * paths are within the bounds of `@tasker/contracts` (`bounds.ts`).
 */
export type Outcome =
  | { kind: "completed"; result: unknown; calls: ToolCall[] }
  | { kind: "failed"; error: SandboxError; calls: ToolCall[] }
  | { kind: "suspended"; calls: ToolCall[] };

/** How a task ended, before the activation's calls are added: an `Outcome` that is not suspended, less its calls. */
export type Ending = { kind: "completed"; result: unknown } | { kind: "failed"; error: SandboxError };

/**
 * A line written by `console.*` or `tools.log`. `at` is the activation's recorded time (epoch ms). The
 * message is storable (`\u0000` written as the escape `\u0000`, an unpaired surrogate as U+FFFD) and at most
 * `MAX_LOG_LINE_CHARS` long (a longer line is cut to end with `… (truncated)`).
 */
export type LogLine = { level: LogLevel; message: string; at: number; stackRunId: string };
export type LogLevel = "debug" | "info" | "warn" | "error";

/**
 * A call as the journal records it: its arguments are kept only as a hash; null when they were
 * recorded sealed (a secret's value), and a replay compares only the service and method.
 */
export type JournalCall = { seq: number; service: string; method: string[]; argsHash: string | null };

/**
 * One recorded activation of a stack run: `at` is its recorded time (epoch ms), `results` the batch
 * delivered (empty for the first activation), `calls` the calls the code made in it.
 */
export type JournalActivation = { at: number; results: CallResult[]; calls: JournalCall[] };

/**
 * The code of a task and a synchronous resolver for its helper modules (the executor preloads the
 * published modules it may need). `resolveModule` returns `undefined` for an unknown module.
 */
export interface TaskSource {
  code: string;
  resolveModule(specifier: string, fromName: string): { name: string; code: string } | undefined;
}

/** A batch of completed calls delivered to a suspended VM, at the resume's recorded time. */
export type ActivationBatch = { at: number; results: CallResult[] };

/**
 * Health of a sandbox: WASM module instances alive, VMs of runs alive on them, VMs prepared ahead,
 * and VMs whose QuickJS runtime could not be freed (their module is retired and dropped once empty).
 * `unfreedVms` grows only through an upstream QuickJS defect (quickjs-emscripten #235/#269: heavy
 * allocation inside promise jobs) or a leaked handle.
 */
export type SandboxStats = { modules: number; liveVms: number; preparedVms: number; unfreedVms: number };
