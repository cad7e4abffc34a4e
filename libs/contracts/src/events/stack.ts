import { z } from "zod";
import { MAX_METHOD_PART_CHARS, MAX_METHOD_PARTS, MAX_SERVICE_NAME_CHARS } from "../bounds.js";
import { ErrorInfo, JsonValue } from "../json.js";
import { Namespace } from "../namespace.js";
import { defineEvent } from "./define.js";
import { ActivationDurationMs } from "./vm.js";

const stackRunId = z.uuid();

/** Wrapped-service names are subject tokens: `tasks`, `gapi`, `openai`, `websearch`, ... */
export const ServiceName = z
  .string()
  .max(MAX_SERVICE_NAME_CHARS)
  .regex(/^[a-z][a-z0-9-]*$/, "a service name is lower-case letters, digits and '-'");

/** A call's method path: `["admin", "directory", "domains", "list"]`. */
export const MethodPath = z.array(z.string().min(1).max(MAX_METHOD_PART_CHARS)).max(MAX_METHOD_PARTS);

/**
 * A call to run: the root call of a task run (no parent), a nested task (`service: "tasks"`), or a
 * wrapped-service call. Its consumer is the service named here.
 */
export const StackCreated = defineEvent(
  "stack.created",
  z.object({
    stackRunId,
    parentStackRunId: stackRunId.nullable(),
    /** The call's number within its parent's calls; null for the root. */
    seq: z.int().nonnegative().nullable(),
    service: ServiceName,
    method: MethodPath,
    args: z.array(JsonValue),
    /** 0 for the root; a child is one deeper than its parent. */
    depth: z.int().nonnegative(),
    /**
     * For `service: "tasks"`: the code version (SHA-256) the call runs, resolved when the call was
     * made and pinned for every replay; null when no such task was published (the call then fails
     * with TASK_NOT_FOUND), and for other services.
     */
    taskVersion: z.string().nullable(),
    /**
     * When the call's durable timer fires (ISO-8601): a `sleep` completes then; any other call not
     * settled by then fails with `TIMEOUT` (a nested task's own calls are then cancelled). Set from
     * `tools.sleep(ms)`, `tools.signals.wait(name, {timeoutMs})`, `tools.tasks.execute(name, input,
     * {timeoutMs})` and, for the root, `POST /tasks {timeoutMs}`; absent or null: no timer.
     */
    dueAt: z.iso.datetime().nullable().optional(),
    /**
     * On the root only: the run's namespace, as its `run.submitted` says (absent: `default`), so that
     * a writer that learns a run from its root's creation alone knows it.
     */
    namespace: Namespace.optional(),
  }),
);
export type StackCreated = z.infer<typeof StackCreated>;

/**
 * A worker took the stack run (its first activation, or a wrapped service's call): it counts as
 * processing until `leaseUntil` unless it reports again. `attempt`: 1 for the first take, one more
 * for each take after a worker was lost.
 */
export const StackStarted = defineEvent(
  "stack.started",
  z.object({ stackRunId, worker: z.string().min(1), leaseUntil: z.iso.datetime(), attempt: z.int().positive() }),
);
export type StackStarted = z.infer<typeof StackStarted>;

/**
 * A wrapped service's attempt `attempt` failed in a way another attempt may not (network, timeout,
 * 408/429/5xx): the attempt after it starts at `retryAt` (ISO-8601), by whichever instance holds the
 * call's message then. Recorded under the call's guard by the holder of `attempt`.
 */
export const StackRetrying = defineEvent(
  "stack.retrying",
  z.object({ stackRunId, attempt: z.int().positive(), error: ErrorInfo, retryAt: z.iso.datetime() }),
);
export type StackRetrying = z.infer<typeof StackRetrying>;

/**
 * The tokens an upstream metered for one call (a model's prompt and completion): counts, as the
 * upstream reported them (OpenAI's `usage`). `outputTokens` is 0 for a call that generates nothing
 * (embeddings).
 */
export const CallUsage = z.object({
  inputTokens: z.int().nonnegative(),
  outputTokens: z.int().nonnegative(),
  totalTokens: z.int().nonnegative(),
});
export type CallUsage = z.infer<typeof CallUsage>;

/**
 * A call settled with `result`. `usage`: what the call cost upstream in tokens, for a service that
 * meters them (openai); absent for every other call and in events recorded before it existed.
 * `durationMs`: for a task's stack run, the wall time of the activation that ended it.
 */
export const StackCompleted = defineEvent("stack.completed", z.object({ stackRunId, result: JsonValue, usage: CallUsage.optional(), durationMs: ActivationDurationMs }));
export type StackCompleted = z.infer<typeof StackCompleted>;

/** A call failed with `error`. `durationMs`: for a task's stack run failed by its code, the wall time of the activation that ended it. */
export const StackFailed = defineEvent("stack.failed", z.object({ stackRunId, error: ErrorInfo, durationMs: ActivationDurationMs }));
export type StackFailed = z.infer<typeof StackFailed>;
