import { z } from "zod";

/**
 * Where `GET /tasks/:taskRunId/events` resumes: the version (in the run's stream) of the last event
 * the client has, from the `Last-Event-ID` header or the `after` query parameter. A whole number ≥ 0;
 * 0, the default, streams from the run's first event.
 */
export const EventStreamCursor = z.coerce
  .number({ message: "must be the version of an event (a whole number)" })
  .int("must be the version of an event (a whole number)")
  .min(0, "must not be negative")
  .default(0);

/** The event types after which a run records nothing more of its own: its end. */
export const RUN_END_EVENT_TYPES: readonly string[] = ["run.completed", "run.failed", "run.cancelled"];
