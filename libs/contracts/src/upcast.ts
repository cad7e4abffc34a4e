import { MAX_ERROR_CODE_CHARS, MAX_ERROR_MESSAGE_CHARS, MAX_ERROR_NAME_CHARS, MAX_ERROR_STACK_CHARS } from "./bounds.js";

/**
 * The schema version of the events this code writes (stamped in their metadata by the event store).
 * 2: `stack.started` carries its `attempt`, and error fields are bounded (`bounds.ts`).
 */
export const EVENT_SCHEMA_VERSION = 2;

/** The parts of an event an upcaster reads: as stored, before validation. */
interface StoredEvent {
  readonly type: string;
  readonly data: unknown;
  readonly metadata?: { readonly schemaVersion?: number } | null;
}

/**
 * An event written under an earlier schema version, in today's shape, so that runs suspended before
 * an upgrade resume and finish after it: `stack.started` of version 1 gets `attempt: 1`; error fields
 * longer than today's bounds are cut. Pure: returns a new event, or the same one when it is current.
 */
export function upcast<E extends StoredEvent>(event: E): E {
  if ((event.metadata?.schemaVersion ?? 1) >= EVENT_SCHEMA_VERSION) return event;
  const data = event.data as Record<string, unknown>;
  switch (event.type) {
    case "stack.started":
      return { ...event, data: { attempt: 1, ...data } };
    case "stack.failed":
    case "run.failed":
      return { ...event, data: { ...data, error: boundedError(data["error"]) } };
    case "resume.requested": {
      const results = (data["results"] as { ok: boolean; error?: unknown }[]).map((result) => (result.ok ? result : { ...result, error: boundedError(result.error) }));
      return { ...event, data: { ...data, results } };
    }
    default:
      return event;
  }
}

function boundedError(error: unknown): unknown {
  if (typeof error !== "object" || error === null) return error;
  const { code, name, message, stack } = error as Record<string, unknown>;
  const cut = (value: unknown, max: number) => (typeof value === "string" && value.length > max ? value.slice(0, max) : value);
  return {
    ...error,
    code: cut(code, MAX_ERROR_CODE_CHARS),
    message: cut(message, MAX_ERROR_MESSAGE_CHARS),
    ...(name === undefined ? {} : { name: cut(name, MAX_ERROR_NAME_CHARS) }),
    ...(stack === undefined ? {} : { stack: cut(stack, MAX_ERROR_STACK_CHARS) }),
  };
}
