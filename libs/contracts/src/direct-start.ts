import type { NewEvent, RecordedEvent } from "./event.js";
import type { RunSubmitted } from "./events/run.js";
import type { StackCreated } from "./events/stack.js";
import { assertSubjectPrefix } from "./subjects.js";

/**
 * A submission the gateway offers the executors to record with its root's first activation (`POST
 * /tasks?wait=`): the run's first two events as the gateway would append them, in run `taskRunId`;
 * `waitMs`, how long the gateway waits for the answer before it appends them itself (`requestDirectStart`'s
 * timeout; an executor whose direct starts are all busy lets the request wait for one only within that).
 */
export interface DirectStartRequest {
  readonly events: readonly [NewEvent<RunSubmitted>, NewEvent<StackCreated>];
  readonly waitMs?: number;
}

/**
 * The longest a gateway waits for an executor's answer to a direct start before it records the
 * submission itself (ms); an executor assumes this wait for a request that does not say (`waitMs`).
 */
export const DIRECT_START_WAIT_MS = 2000;

/**
 * An executor's answer: `recorded` when the root ran and ended and the run's whole history went in one
 * append that created its stream, with the run's `run.submitted` and its ending event as recorded
 * (none when they are too large for one message: the run is then read); or `declined` with why
 * (nothing was recorded: the gateway appends the submission itself).
 */
export type DirectStartReply = { readonly recorded: readonly RecordedEvent[] } | { readonly declined: string };

/**
 * The core NATS subject executors take direct starts on (request-reply, one instance of a queue group
 * answering). Outside `<prefix>.>`, so the event stream does not store the requests.
 */
export function directStartSubject(prefix: string): string {
  return `_tasker.start.${assertSubjectPrefix(prefix)}`;
}
