/**
 * A sum that halves every `halfLifeMs`: recent worker time counts fully, time used a few half-lives
 * ago hardly at all. Read and added to at a time `at` (milliseconds, any monotonic clock) that never
 * goes back.
 */
export class DecayingSum {
  private value = 0;
  private at = 0;

  constructor(private readonly halfLifeMs: number) {}

  valueAt(at: number): number {
    return this.value * 2 ** (-(at - this.at) / this.halfLifeMs);
  }

  /** Adds `amount` (which may be negative; the sum never goes below 0). */
  add(amount: number, at: number): void {
    this.value = Math.max(0, this.valueAt(at) + amount);
    this.at = at;
  }
}
