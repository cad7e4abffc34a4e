import { z } from "zod";
import { ErrorInfo, JsonValue } from "../json.js";
import { Namespace } from "../namespace.js";
import { defineEvent } from "./define.js";

const taskRunId = z.uuid();

/**
 * A user asked for a task to run. Always the first event of a run's stream. `namespace`: the run's
 * (its task, its children, its secrets and its idempotency key are looked up there); absent: `default`.
 */
export const RunSubmitted = defineEvent(
  "run.submitted",
  z.object({
    taskRunId,
    namespace: Namespace.optional(),
    taskName: z.string().min(1),
    /** The pinned code version (SHA-256 of the code) every activation of this run replays. */
    taskVersion: z.string().min(1),
    input: JsonValue,
    idempotencyKey: z.string().min(1).nullable(),
  }),
);
export type RunSubmitted = z.infer<typeof RunSubmitted>;

/**
 * On a run's end (`run.completed`, `run.failed`, `run.cancelled`): the stream version through which
 * the state the end was decided on had seen every event and no `log.appended`; absent when it had
 * seen a log line (or could not tell, and on ends recorded before this field). The run logged nothing
 * at all exactly when it is the end's own version minus one (run-model's `loggedNothing`).
 */
const silentThrough = z.int().nonnegative().optional();

export const RunCompleted = defineEvent("run.completed", z.object({ taskRunId, result: JsonValue, silentThrough }));
export type RunCompleted = z.infer<typeof RunCompleted>;

export const RunFailed = defineEvent("run.failed", z.object({ taskRunId, error: ErrorInfo, silentThrough }));
export type RunFailed = z.infer<typeof RunFailed>;

/** A user asked to cancel; the run ends with `run.cancelled` once the rules have acted on it. */
export const RunCancelRequested = defineEvent(
  "run.cancel-requested",
  z.object({ taskRunId, reason: z.string().nullable() }),
);
export type RunCancelRequested = z.infer<typeof RunCancelRequested>;

export const RunCancelled = defineEvent("run.cancelled", z.object({ taskRunId, reason: z.string().nullable(), silentThrough }));
export type RunCancelled = z.infer<typeof RunCancelled>;
