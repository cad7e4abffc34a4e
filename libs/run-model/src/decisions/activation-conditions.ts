import { type Condition, RUN_OPEN, STACK_RUNS_COUNTER, stackGuard } from "../decision.js";

/**
 * The conditions an activation's record is appended under: the stack run's own guard at the
 * activation before it (`activation - 1`: of two workers that ran the same activation only one
 * records it), the run open, the guard of each call it made that was refused at once taken at 0 (so
 * that nobody runs it after all), and its `admitted` calls counted against `maxStackRuns`
 * (`TASKER_MAX_STACK_RUNS`).
 */
export function activationConditions(stackRunId: string, activation: number, refusedCalls: readonly string[], admitted: number, maxStackRuns: number): Condition[] {
  const conditions: Condition[] = [{ guard: stackGuard(stackRunId), version: activation - 1 }, RUN_OPEN];
  for (const refused of refusedCalls) conditions.push({ guard: stackGuard(refused), version: 0 });
  if (admitted > 0) conditions.push({ counter: STACK_RUNS_COUNTER, add: admitted, max: maxStackRuns });
  return conditions;
}
