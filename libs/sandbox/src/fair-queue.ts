import { DecayingSum } from "./decaying-sum.js";

/** Who an activation belongs to, for fair shares. */
export interface Share {
  readonly namespace: string;
  readonly taskRunId: string;
  /** What predicts the activation's cost: the task's name and version, e.g. "echo@3f2a…". */
  readonly costKey: string;
}

/** The tunables of a `FairQueue`; every one has a default. */
export interface FairQueueOptions {
  /** How fast past worker time is forgotten, for namespaces and runs (ms; default 5,000). */
  halfLifeMs?: number;
  /**
   * How much an item's claim improves per millisecond it waits (default 0.05: an item waiting 20 s
   * longer than another outweighs 1 s more of expected cost or usage, so a known-slow task waits
   * behind cheap ones, but not forever).
   */
  agingPerMs?: number;
  /** What an activation of a cost key never charged is expected to cost (ms; default 1). */
  unknownCostMs?: number;
  /** Activations of one namespace running at once (taken and not yet charged; default unlimited). */
  maxRunningPerNamespace?: number;
  /** Activations of one run running at once (default unlimited). */
  maxRunningPerRun?: number;
  /** Cost keys remembered (default 10,000; the least recently charged go first). */
  maxCostKeys?: number;
  /** The clock, in milliseconds (default `performance.now`). */
  now?: () => number;
}

interface Entry<T> {
  readonly item: T;
  readonly share: Share;
  readonly pushedAt: number;
}

interface Usage {
  readonly used: DecayingSum;
  running: number;
}

interface SpaceQueue<T> extends Usage {
  /** Every run remembered: those with items waiting, running, or whose usage is not yet forgotten. */
  readonly runs: Map<string, RunQueue<T>>;
  /** Its runs with items waiting: the only ones a take looks at. */
  readonly queued: Set<RunQueue<T>>;
}

interface RunQueue<T> extends Usage {
  readonly space: SpaceQueue<T>;
  readonly entries: Entry<T>[];
  /** When one of its items was last taken: of two runs otherwise equal, the one served longer ago goes first. */
  servedAt: number;
}

/** Below this much remembered usage, an idle run or namespace is forgotten. */
const FORGOTTEN_MS = 0.5;
/** How much a new cost figure moves a cost key's estimate (an exponentially weighted average). */
const COST_WEIGHT = 0.5;

/**
 * The order in which waiting activations get a worker, lowest score first: between namespaces, the
 * worker time the namespace used recently (a decaying sum) plus the best claim among its items;
 * within the namespace chosen, the worker time the item's run used recently plus its claim. An
 * item's claim is what an activation of its cost key is expected to cost (the recent average of what
 * it was charged), less its waiting time times `agingPerMs`. So the namespace and, within it, the
 * run that used least goes first
 * (runs interleave: one run's fan-out grows its own usage with each item taken, and never drains
 * ahead of the others); a task version known to be slow waits behind cheap ones; and whatever waits
 * long enough beats every newcomer, so nothing starves. An item's expected cost is counted against
 * its namespace and run as soon as it is taken, and corrected by `charge`, so that items taken
 * before any is charged interleave too. Within a run, items keep the order they came in.
 */
export class FairQueue<T> {
  private readonly namespaces = new Map<string, SpaceQueue<T>>();
  /** The namespaces with items waiting. */
  private readonly queued = new Set<SpaceQueue<T>>();
  private readonly costs = new Map<string, number>();
  private readonly halfLifeMs: number;
  private readonly agingPerMs: number;
  private readonly unknownCostMs: number;
  private readonly maxRunningPerNamespace: number;
  private readonly maxRunningPerRun: number;
  private readonly maxCostKeys: number;
  private readonly now: () => number;
  private waiting = 0;
  private served = 0;
  private forgottenAt = Number.NEGATIVE_INFINITY;

  constructor(options: FairQueueOptions = {}) {
    this.halfLifeMs = options.halfLifeMs ?? 5000;
    this.agingPerMs = options.agingPerMs ?? 0.05;
    this.unknownCostMs = options.unknownCostMs ?? 1;
    this.maxRunningPerNamespace = options.maxRunningPerNamespace ?? Number.POSITIVE_INFINITY;
    this.maxRunningPerRun = options.maxRunningPerRun ?? Number.POSITIVE_INFINITY;
    this.maxCostKeys = options.maxCostKeys ?? 10_000;
    this.now = options.now ?? (() => performance.now());
  }

  /** Items waiting. */
  get size(): number {
    return this.waiting;
  }

  push(item: T, share: Share): void {
    const run = this.runOf(share);
    run.entries.push({ item, share, pushedAt: this.now() });
    run.space.queued.add(run);
    this.queued.add(run.space);
    this.waiting++;
  }

  /**
   * The next item to run among those `eligible` accepts (a worker can only resume the VMs it holds),
   * or undefined (none waits, none is eligible, or every one's namespace or run is at its cap). The
   * item counts as running until its share is `charge`d.
   */
  take(eligible: (item: T) => boolean = () => true): T | undefined {
    const at = this.now();
    this.forgetIdle(at);
    let best: { entry: Entry<T>; run: RunQueue<T>; score: number } | undefined;
    for (const space of this.queued) {
      if (space.running >= this.maxRunningPerNamespace) continue;
      const spaceUsed = space.used.valueAt(at);
      const inside = this.bestRunOf(space.queued, eligible, at);
      if (!inside) continue;
      // Between namespaces, usage of the namespace; inside one, usage of the run: a namespace of many
      // fresh runs gets no more than one of a single run.
      const score = spaceUsed + inside.claim;
      if (!best || score < best.score || (score === best.score && inside.run.servedAt < best.run.servedAt)) best = { ...inside, score };
    }
    if (!best) return undefined;
    const { entry, run } = best;
    this.remove(run, run.entries.indexOf(entry));
    run.servedAt = ++this.served;
    for (const usage of [run.space, run]) {
      usage.running++;
      usage.used.add(this.expectedCost(entry.share.costKey), at);
    }
    return entry.item;
  }

  /**
   * After an activation of `share` ran: it used `cpuMs` (or wall ms) of a worker. Ends the running of
   * one item taken for `share`, and teaches the queue what its cost key costs.
   */
  charge(share: Share, cpuMs: number): void {
    const at = this.now();
    const correction = cpuMs - this.expectedCost(share.costKey); // its expected cost was counted when taken
    const space = this.namespaces.get(share.namespace);
    const run = space?.runs.get(share.taskRunId);
    for (const usage of [space, run]) {
      if (!usage) continue;
      usage.running = Math.max(0, usage.running - 1);
      usage.used.add(correction, at);
    }
    const known = this.costs.get(share.costKey);
    this.costs.delete(share.costKey);
    this.costs.set(share.costKey, known === undefined ? cpuMs : known + (cpuMs - known) * COST_WEIGHT);
    if (this.costs.size > this.maxCostKeys) this.costs.delete(this.costs.keys().next().value!);
  }

  /** Removes a waiting item (it was done another way); whether it was waiting. */
  delete(item: T): boolean {
    for (const space of this.queued) {
      for (const run of space.queued) {
        const index = run.entries.findIndex((entry) => entry.item === item);
        if (index < 0) continue;
        this.remove(run, index);
        return true;
      }
    }
    return false;
  }

  /** Items waiting per namespace (namespaces with none waiting are left out). */
  depthByNamespace(): Map<string, number> {
    const depths = new Map<string, number>();
    for (const [namespace, space] of this.namespaces) {
      let depth = 0;
      for (const run of space.queued) depth += run.entries.length;
      if (depth > 0) depths.set(namespace, depth);
    }
    return depths;
  }

  private remove(run: RunQueue<T>, index: number): void {
    run.entries.splice(index, 1);
    this.waiting--;
    if (run.entries.length > 0) return;
    run.space.queued.delete(run);
    if (run.space.queued.size === 0) this.queued.delete(run.space);
  }

  /**
   * Forgets the runs and namespaces idle long enough that their usage no longer counts, once per
   * half-life: a take looks only at those with items waiting, and this sweep keeps the rest bounded.
   */
  private forgetIdle(at: number): void {
    if (at - this.forgottenAt < this.halfLifeMs) return;
    this.forgottenAt = at;
    for (const [namespace, space] of this.namespaces) {
      for (const [taskRunId, run] of space.runs) {
        if (run.entries.length === 0 && run.running === 0 && run.used.valueAt(at) < FORGOTTEN_MS) space.runs.delete(taskRunId);
      }
      if (space.runs.size === 0 && space.running === 0 && space.used.valueAt(at) < FORGOTTEN_MS) this.namespaces.delete(namespace);
    }
  }

  /** The entry of `runs` (those with items waiting) to take next (least usage, cost and waiting), and the best claim of its namespace's entries (cost and waiting only). */
  private bestRunOf(runs: Set<RunQueue<T>>, eligible: (item: T) => boolean, at: number): { entry: Entry<T>; run: RunQueue<T>; claim: number } | undefined {
    let best: { entry: Entry<T>; run: RunQueue<T>; score: number } | undefined;
    let claim = Number.POSITIVE_INFINITY;
    for (const run of runs) {
      if (run.running >= this.maxRunningPerRun) continue;
      const entry = run.entries.find((candidate) => eligible(candidate.item));
      if (!entry) continue;
      const own = this.expectedCost(entry.share.costKey) - (at - entry.pushedAt) * this.agingPerMs;
      claim = Math.min(claim, own);
      const score = run.used.valueAt(at) + own;
      if (!best || score < best.score || (score === best.score && run.servedAt < best.run.servedAt)) best = { entry, run, score };
    }
    return best && { entry: best.entry, run: best.run, claim };
  }

  /** What an activation of `costKey` is expected to cost, in ms: the recent average charged, or `unknownCostMs`. */
  expectedCost(costKey: string): number {
    return this.costs.get(costKey) ?? this.unknownCostMs;
  }

  private runOf(share: Share): RunQueue<T> {
    let space = this.namespaces.get(share.namespace);
    if (!space) this.namespaces.set(share.namespace, (space = { used: new DecayingSum(this.halfLifeMs), running: 0, runs: new Map(), queued: new Set() }));
    let run = space.runs.get(share.taskRunId);
    if (!run) space.runs.set(share.taskRunId, (run = { space, used: new DecayingSum(this.halfLifeMs), running: 0, entries: [], servedAt: 0 }));
    return run;
  }
}
