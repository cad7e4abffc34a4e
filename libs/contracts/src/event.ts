import { z } from "zod";
import { ValidationError } from "./errors.js";
import { RunCancelled, RunCancelRequested, RunCompleted, RunFailed, RunSubmitted } from "./events/run.js";
import { LogAppended } from "./events/log.js";
import { SignalReceived } from "./events/signal.js";
import { StackCompleted, StackCreated, StackFailed, StackRetrying, StackStarted } from "./events/stack.js";
import { TaskPublished } from "./events/task.js";
import { ResumeRequested, VmResumed, VmSuspended } from "./events/vm.js";
import { EventMetadata, WriteMetadata } from "./metadata.js";
import { upcast } from "./upcast.js";

const schemas = [
  RunSubmitted,
  RunCompleted,
  RunFailed,
  RunCancelRequested,
  RunCancelled,
  StackCreated,
  StackStarted,
  StackRetrying,
  StackCompleted,
  StackFailed,
  VmSuspended,
  VmResumed,
  ResumeRequested,
  LogAppended,
  SignalReceived,
  TaskPublished,
] as const;

/** Every event of a run's life (and of a task function's), as `{type, data}`. */
export const TaskerEvent = z.discriminatedUnion("type", schemas);
export type TaskerEvent = z.infer<typeof TaskerEvent>;
export type EventType = TaskerEvent["type"];
export type EventOfType<T extends EventType> = Extract<TaskerEvent, { type: T }>;

/** An event as a writer hands it to the store. */
export type NewEvent<E extends TaskerEvent = TaskerEvent> = E & { metadata?: WriteMetadata };
/** An event as the store recorded it and the bus carries it. */
export type RecordedEvent<E extends TaskerEvent = TaskerEvent> = E & { metadata: EventMetadata };

const byType = new Map<string, (typeof schemas)[number]>(schemas.map((schema) => [schema.shape.type.value, schema]));

/** Thrown for a message that is not a valid event; names the event type and the field. */
export class InvalidEventError extends ValidationError {
  constructor(
    readonly eventType: string,
    field: string,
    problem: string,
  ) {
    super(`invalid ${eventType} event: ${field}: ${problem}`, field, "INVALID_EVENT");
  }
}

function check(schema: z.ZodType, eventType: string, raw: unknown): unknown {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new InvalidEventError(eventType, issue.path.join(".") || "(event)", issue.message);
}

function typeOf(raw: unknown): string {
  const type = typeof raw === "object" && raw !== null ? (raw as { type?: unknown }).type : undefined;
  if (typeof type !== "string") throw new InvalidEventError("(untyped)", "type", "expected an event type string");
  if (!byType.has(type)) throw new InvalidEventError(type, "type", `unknown event type "${type}"`);
  return type;
}

/** Validates `{type, data}`; throws `InvalidEventError` naming the type and the field. */
export function parseEvent(raw: unknown): TaskerEvent {
  const type = typeOf(raw);
  return check(byType.get(type)!, type, raw) as TaskerEvent;
}

/** Validates a recorded event (with its metadata), as read from the bus, in today's shape (`upcast`). */
export function parseRecordedEvent(raw: unknown): RecordedEvent {
  const event = parseEvent(typeof raw === "object" && raw !== null && "type" in raw ? upcast(raw as Parameters<typeof upcast>[0]) : raw);
  const metadata = check(EventMetadata, event.type, (raw as { metadata?: unknown }).metadata) as EventMetadata;
  return { ...event, metadata };
}
