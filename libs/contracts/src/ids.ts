import { v7 } from "uuid";

/** A new UUIDv7: event ids, task run ids and stack run ids are all of this form. */
export function newId(): string {
  return v7();
}

/** Task function names: path-like (`shared/gapi-helper`), and safe as a NATS subject token. */
export const TASK_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*(\/[A-Za-z0-9_-]+)*$/;

/** The event stream of one task run. */
export function runStreamId(taskRunId: string): string {
  return `run:${taskRunId}`;
}

/** The event stream of one task function (its published versions). */
export function taskFunctionStreamId(name: string): string {
  return `fn:${name}`;
}

/** The task run a `run:<taskRunId>` stream belongs to. */
export function taskRunIdOf(streamId: string): string {
  if (!streamId.startsWith("run:")) throw new Error(`stream ${streamId} is not a task run's`);
  return streamId.slice(4);
}
