/**
 * At most `size` pieces of work at once. The others wait their turn by share: a freed slot goes to
 * the waiting share with the fewest pieces running, ties to the one served longest ago, and within a
 * share first come first served. With one share (the default), first come first served.
 */
export class Slots {
  private running = 0;
  private served = 0;
  /** Shares with work running or waiting: how many run, and when one last started. */
  private readonly shares = new Map<string, { running: number; servedAt: number }>();
  private readonly waiting = new Map<string, (() => void)[]>();

  constructor(private readonly size: number) {}

  async run<T>(work: () => Promise<T>, share = ""): Promise<T> {
    if (this.running >= this.size) {
      await new Promise<void>((resolve) => {
        const queue = this.waiting.get(share);
        if (queue) queue.push(resolve);
        else this.waiting.set(share, [resolve]);
      });
    } else {
      this.running++;
      this.started(share);
    }
    try {
      return await work();
    } finally {
      this.finished(share);
      if (!this.handOver()) this.running--;
    }
  }

  /** Pieces of work waiting for a slot, by share (shares with none left out). */
  waitingByShare(): Map<string, number> {
    return new Map([...this.waiting].map(([share, queue]) => [share, queue.length]));
  }

  /** Gives the freed slot to the next waiting piece of work; false when none waits. */
  private handOver(): boolean {
    let next: { share: string; running: number; servedAt: number } | undefined;
    for (const share of this.waiting.keys()) {
      const { running, servedAt } = this.shares.get(share) ?? { running: 0, servedAt: 0 };
      if (!next || running < next.running || (running === next.running && servedAt < next.servedAt)) next = { share, running, servedAt };
    }
    if (!next) return false;
    const queue = this.waiting.get(next.share)!;
    const wake = queue.shift()!;
    if (queue.length === 0) this.waiting.delete(next.share);
    this.started(next.share); // counted now: a slot freed before the woken work resumes must see it
    wake();
    return true;
  }

  private started(share: string): void {
    const running = (this.shares.get(share)?.running ?? 0) + 1;
    this.shares.set(share, { running, servedAt: ++this.served });
  }

  private finished(share: string): void {
    const state = this.shares.get(share)!;
    state.running--;
    if (state.running === 0 && !this.waiting.has(share)) this.shares.delete(share);
  }
}
