/** Who an activation belongs to, for fair shares. */
export interface Share {
  readonly namespace: string;
  readonly taskRunId: string;
  /** What predicts the activation's cost: the task's name and version. */
  readonly costKey: string;
}

/** Activations waiting for a worker, in the order they are to run. */
export class FairQueue<T> {
  private readonly items: { item: T; share: Share }[] = [];

  push(item: T, share: Share): void {
    this.items.push({ item, share });
  }

  take(eligible: (item: T) => boolean = () => true): T | undefined {
    const index = this.items.findIndex((entry) => eligible(entry.item));
    return index < 0 ? undefined : this.items.splice(index, 1)[0]!.item;
  }

  charge(_share: Share, _cpuMs: number): void {}

  get size(): number {
    return this.items.length;
  }

  depthByNamespace(): Map<string, number> {
    const depth = new Map<string, number>();
    for (const { share } of this.items) depth.set(share.namespace, (depth.get(share.namespace) ?? 0) + 1);
    return depth;
  }
}
