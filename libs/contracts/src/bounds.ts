/**
 * How large the parts of a run may be. Every event field a task can fill is bounded here, so that a
 * value either fits what PostgreSQL and the bus carry or is refused at the sandbox boundary with a
 * code the task (or its parent) can read. The event schemas enforce the same bounds.
 */

/** Characters of an error's `code`; longer: `ERROR_TOO_LARGE`. */
export const MAX_ERROR_CODE_CHARS = 256;
/** Characters of an error's `name`; a longer name is cut. */
export const MAX_ERROR_NAME_CHARS = 256;
/** Characters of an error's `message`; longer: `ERROR_TOO_LARGE`. */
export const MAX_ERROR_MESSAGE_CHARS = 65_536;
/** Characters of an error's `stack`; a longer stack is cut, keeping its first frames. */
export const MAX_ERROR_STACK_CHARS = 16_384;
/**
 * UTF-8 bytes of the JSON of an error's `details` (its own JSON-able properties). The properties that
 * would take it over are dropped, and `details["…"]` says how many.
 */
export const MAX_ERROR_DETAILS_BYTES = 65_536;
/**
 * Levels of `cause` below an error (its cause is level 1, the cause's cause level 2, ...). A deeper
 * cause, or one that loops back to an error of the chain, is dropped, and `details["…"]` of the last
 * error kept says so.
 */
export const MAX_ERROR_CAUSE_DEPTH = 8;

/** Characters of a service name (`gapi`, `openai`, ...): a subject token. */
export const MAX_SERVICE_NAME_CHARS = 64;

/** Characters in a signal name. */
export const MAX_SIGNAL_NAME_CHARS = 200;
/** Parts of a call's method path (`["admin", "directory", "domains", "list"]`). */
export const MAX_METHOD_PARTS = 16;
/** Characters of one part of a method path. */
export const MAX_METHOD_PART_CHARS = 128;

/** Characters of one log line; a longer line is cut (a log is for reading, and every line is kept forever). */
export const MAX_LOG_LINE_CHARS = 16_384;
