import { namespaceOf, type RecordedEvent, type StackCreated, taskRunIdOf } from "@tasker/contracts";
import type { RunStates } from "@tasker/run-model";
import type { Share } from "@tasker/sandbox";

/**
 * The namespace of the run `event` is about, as far as this process knows without a read: the run's
 * kept state, or the event itself (a run's first events name it); `default` otherwise.
 */
export function runNamespace(event: RecordedEvent, runs: RunStates): string {
  return runs.known(event.metadata.streamId)?.namespace ?? namespaceOf(event.data as { namespace?: string });
}

/**
 * Who an activation of a stack run of run `taskRunId` belongs to, for fair shares: the run's
 * namespace, the run, and the task's name and version (whose past activations predict this one's cost).
 */
export function shareOf(taskRunId: string, namespace: string, taskName: string, taskVersion: string): Share {
  return { namespace, taskRunId, costKey: `${taskName}@${taskVersion}` };
}

/** Who the start of the nested task `event` carries belongs to: its task's name and pinned version. */
export function startShareOf(event: RecordedEvent<StackCreated>, namespace: string): Share {
  const [taskName] = event.data.args;
  return shareOf(taskRunIdOf(event.metadata.streamId), namespace, String(taskName), event.data.taskVersion ?? "");
}

/**
 * The bus's share key of a message (`namespaceOfBusShare` reads the namespace back): a run's first
 * activation is shared by its task version, every other message by its run. So new runs of one task
 * compete as one (40 runs of a busy loop held every handler, and an echo behind them waited 25 s for
 * one), and one run's fan-out competes as one run.
 */
export function busShareOf(event: RecordedEvent, namespace: string): string {
  if (event.type === "stack.created" && (event as RecordedEvent<StackCreated>).data.parentStackRunId === null) {
    const { args, taskVersion } = (event as RecordedEvent<StackCreated>).data;
    return JSON.stringify([namespace, "task", `${String(args[0])}@${taskVersion ?? ""}`]);
  }
  return JSON.stringify([namespace, "run", event.metadata.streamId]);
}

export function namespaceOfBusShare(key: string): string {
  const [namespace] = JSON.parse(key) as [string, ...string[]];
  return namespace;
}
