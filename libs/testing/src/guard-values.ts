import type { RecordedEvent, TaskerEvent } from "@tasker/contracts";
import { type Condition, resumeGuard, RUN_GUARD, STACK_RUNS_COUNTER, stackGuard } from "@tasker/run-model";

/**
 * The guards and counters of a run's stream as its writers moved them while recording `events`: a
 * stack run's guard once per activation recorded (or settlement without one), a resume guard per
 * resume asked for, the run's guard by its end, the stack-runs counter by each call admitted.
 */
export function guardValues(events: readonly (TaskerEvent | RecordedEvent)[]): Map<string, number> {
  const values = new Map<string, number>();
  const bump = (name: string, by = 1) => values.set(name, (values.get(name) ?? 0) + by);
  const settled = new Set<string>();
  events.forEach((event, index) => {
    switch (event.type) {
      case "stack.created":
        // A call refused at once is settled in the same append; the others count against the bound.
        if (event.data.parentStackRunId !== null && !isRefusedAt(events, index, event.data.stackRunId)) bump(STACK_RUNS_COUNTER);
        break;
      case "vm.suspended":
        bump(stackGuard(event.data.stackRunId));
        break;
      case "stack.completed":
      case "stack.failed":
        if (!settled.has(event.data.stackRunId)) bump(stackGuard(event.data.stackRunId));
        settled.add(event.data.stackRunId);
        break;
      case "resume.requested":
        bump(resumeGuard(event.data.stackRunId));
        break;
      case "run.completed":
      case "run.failed":
      case "run.cancelled":
        values.set(RUN_GUARD, 1);
        break;
      default:
        break;
    }
  });
  return values;
}

function isRefusedAt(events: readonly (TaskerEvent | RecordedEvent)[], index: number, stackRunId: string): boolean {
  const next = events[index + 1];
  return next?.type === "stack.failed" && next.data.stackRunId === stackRunId;
}

/** Whether an append under `conditions` would be accepted with the stream's guards at `values`. */
export function conditionsHold(conditions: readonly Condition[], values: ReadonlyMap<string, number>): boolean {
  return conditions.every((condition) =>
    "guard" in condition ? (values.get(condition.guard) ?? 0) === condition.version : (values.get(condition.counter) ?? 0) + condition.add <= condition.max,
  );
}
