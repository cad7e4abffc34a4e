/** One message held by a `TakeWindow`, from its take to its end. */
export interface Held {
  /** Names the message's share once it is known (decoded); its share may hold it beyond the window. */
  assign(share: string): void;
  release(): void;
}

/**
 * How many messages a consumer holds (taken, kept alive, running or waiting for a slot). A message
 * counts against `size`, unless its share already holds `perShare` messages that count: those wait
 * too, up to `maxHeld` in all, so that the consumer reads past one share's burst (a run's fan-out)
 * to the messages of other shares behind it, which the slots then serve first.
 */
export class TakeWindow {
  private counted = 0;
  private held = 0;
  private readonly countedByShare = new Map<string, number>();

  constructor(
    private readonly size: number,
    private readonly perShare: number,
    private readonly maxHeld: number,
  ) {}

  /** Whether to wait for a held message to end before taking another. */
  get full(): boolean {
    return this.counted >= this.size || this.held >= this.maxHeld;
  }

  /** A message taken: it counts until its share says otherwise. */
  take(): Held {
    this.counted++;
    this.held++;
    let share: string | undefined;
    let counts = true;
    return {
      assign: (named) => {
        share = named;
        const before = this.countedByShare.get(named) ?? 0;
        counts = before < this.perShare;
        if (counts) this.countedByShare.set(named, before + 1);
        else this.counted--;
      },
      release: () => {
        this.held--;
        if (!counts) return;
        this.counted--;
        if (share === undefined) return;
        const left = this.countedByShare.get(share)! - 1;
        if (left === 0) this.countedByShare.delete(share);
        else this.countedByShare.set(share, left);
      },
    };
  }
}
