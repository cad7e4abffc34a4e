import { z } from "zod";
import { ErrorInfo, JsonValue } from "../json.js";
import { defineEvent } from "./define.js";

const stackRunId = z.uuid();

/** Wrapped-service names are subject tokens: `tasks`, `gapi`, `openai`, `websearch`, ... */
export const ServiceName = z.string().regex(/^[a-z][a-z0-9-]*$/, "a service name is lower-case letters, digits and '-'");

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
    method: z.array(z.string().min(1)),
    args: z.array(JsonValue),
    /** 0 for the root; a child is one deeper than its parent. */
    depth: z.int().nonnegative(),
    /**
     * For `service: "tasks"`: the code version (SHA-256) the call runs, resolved when the call was
     * made and pinned for every replay; null when no such task was published (the call then fails
     * with TASK_NOT_FOUND), and for other services.
     */
    taskVersion: z.string().nullable(),
  }),
);
export type StackCreated = z.infer<typeof StackCreated>;

/** A worker took the stack run; it counts as processing until `leaseUntil` unless it reports again. */
export const StackStarted = defineEvent(
  "stack.started",
  z.object({ stackRunId, worker: z.string().min(1), leaseUntil: z.iso.datetime() }),
);
export type StackStarted = z.infer<typeof StackStarted>;

export const StackCompleted = defineEvent("stack.completed", z.object({ stackRunId, result: JsonValue }));
export type StackCompleted = z.infer<typeof StackCompleted>;

export const StackFailed = defineEvent("stack.failed", z.object({ stackRunId, error: ErrorInfo }));
export type StackFailed = z.infer<typeof StackFailed>;
