import { type RecordedEvent, type StackCreated, taskRunIdOf } from "@tasker/contracts";
import type { Share } from "@tasker/sandbox";

/** The namespace every run belongs to until namespaces land. */
export const DEFAULT_NAMESPACE = "default";

/** The namespace of the run `event` belongs to: the one place the executor learns it. */
export function namespaceOf(_event: RecordedEvent): string {
  return DEFAULT_NAMESPACE;
}

/** Who the start of the nested task `event` carries belongs to, for fair shares; its cost key is the task's name and pinned version. */
export function shareOf(event: RecordedEvent<StackCreated>): Share {
  const [taskName] = event.data.args;
  return { namespace: namespaceOf(event), taskRunId: taskRunIdOf(event.metadata.streamId), costKey: `${String(taskName)}@${event.data.taskVersion ?? ""}` };
}

/** The bus's share key of a message: its namespace and run (`namespaceOfBusShare` reads the namespace back). */
export function busShareOf(event: RecordedEvent): string {
  return JSON.stringify([namespaceOf(event), event.metadata.streamId]);
}

export function namespaceOfBusShare(key: string): string {
  const [namespace] = JSON.parse(key) as [string, string];
  return namespace;
}
