import { type RecordedEvent, taskRunIdOf } from "@tasker/contracts";
import type { Share } from "@tasker/sandbox";

/**
 * Whose activation an event asks for, for the sandbox pool's fair queue: the run's namespace, the run,
 * and the task version (whose past activations predict this one's cost).
 */
export function shareOf(event: RecordedEvent, taskName: string, taskVersion: string): Share {
  return { namespace: "default", taskRunId: taskRunIdOf(event.metadata.streamId), costKey: `${taskName}@${taskVersion}` };
}
