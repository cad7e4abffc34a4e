import { type RecordedEvent, type StackCreated, taskRunIdOf } from "@tasker/contracts";
import type { Share } from "@tasker/sandbox";

/** The namespace every run belongs to until namespaces land. */
export const DEFAULT_NAMESPACE = "default";

/** The namespace of the run `event` belongs to: the one place the executor learns it. */
export function namespaceOf(_event: RecordedEvent): string {
  return DEFAULT_NAMESPACE;
}

/**
 * Who an activation of the stack run `event` is about belongs to, for fair shares: the run's
 * namespace, the run, and the task's name and version (whose past activations predict this one's cost).
 */
export function shareOf(event: RecordedEvent, taskName: string, taskVersion: string): Share {
  return { namespace: namespaceOf(event), taskRunId: taskRunIdOf(event.metadata.streamId), costKey: `${taskName}@${taskVersion}` };
}

/** Who the start of the nested task `event` carries belongs to: its task's name and pinned version. */
export function startShareOf(event: RecordedEvent<StackCreated>): Share {
  const [taskName] = event.data.args;
  return shareOf(event, String(taskName), event.data.taskVersion ?? "");
}

/** The bus's share key of a message: its namespace and run (`namespaceOfBusShare` reads the namespace back). */
export function busShareOf(event: RecordedEvent): string {
  return JSON.stringify([namespaceOf(event), event.metadata.streamId]);
}

export function namespaceOfBusShare(key: string): string {
  const [namespace] = JSON.parse(key) as [string, string];
  return namespace;
}
