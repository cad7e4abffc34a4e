/** How many announced ends `RecentRunEnds` keeps: far more than end within the moment between a submit's append and its wait. */
const KEPT_ENDS = 10_000;

/**
 * The ids of the runs whose end the bus announced last, the oldest forgotten first: so a wait
 * registered just after its run ended (a short run finishing before its submit answered) need not
 * read the run to learn it. Bounded: memory stays flat however many runs end.
 */
export class RecentRunEnds {
  private readonly ids = new Set<string>();

  add(taskRunId: string): void {
    this.ids.add(taskRunId);
    if (this.ids.size > KEPT_ENDS) this.ids.delete(this.ids.values().next().value!);
  }

  has(taskRunId: string): boolean {
    return this.ids.has(taskRunId);
  }
}
