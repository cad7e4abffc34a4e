import { v7 } from "uuid";
import { DEFAULT_NAMESPACE, functionKey } from "./namespace.js";

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

/**
 * The event stream of one task function (its published versions): `fn:<name>` in namespace
 * `default` (as before namespaces), `fn:<namespace>:<name>` in any other (':' is in no task name).
 */
export function taskFunctionStreamId(name: string, namespace = DEFAULT_NAMESPACE): string {
  return namespace === DEFAULT_NAMESPACE ? `fn:${name}` : `fn:${functionKey(namespace, name)}`;
}

/** The task run a `run:<taskRunId>` stream belongs to. */
export function taskRunIdOf(streamId: string): string {
  if (!streamId.startsWith("run:")) throw new Error(`stream ${streamId} is not a task run's`);
  return streamId.slice(4);
}
