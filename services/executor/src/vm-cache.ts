import type { Caller } from "@tasker/run-model";
import type { PooledVm, Share } from "@tasker/sandbox";
import { vmCacheBytes, vmCacheEntries, vmCacheEvictions } from "./executor-metrics.js";
import type { VmSecrets } from "./vm-secrets.js";

/** A suspended VM kept alive, with what resuming it needs. */
export interface CachedVm {
  readonly vm: PooledVm;
  /** Whose activations these are, for the sandbox pool's fair queue. */
  readonly share: Share;
  readonly taskRunId: string;
  readonly stackRunId: string;
  /** The activation it suspended at. */
  readonly activation: number;
  readonly depth: number;
  readonly parentStackRunId: string | null;
  readonly seq: number | null;
  readonly secrets: VmSecrets;
  /** The task it runs, with its version's `@uses`. */
  readonly caller: Caller;
  /** What its calls needed declaring so far. */
  readonly usesSeen: ReadonlySet<string>;
  /** Calls waiting for results. */
  readonly pending: ReadonlySet<number>;
  /** Its `stack.created`'s `traceparent`: the trace its activations' spans join (null: not traced). */
  readonly traceparent: string | null;
  readonly bytes: number;
}

/**
 * Suspended VMs, bounded by count and bytes, least recently used evicted first (and disposed). A VM
 * is taken out while it runs, so no two activations of one stack run share it; `maxEntries` 0 keeps
 * none (every resume replays). Its size and evictions are in the `tasker_vm_cache_*` metrics.
 */
export class VmCache {
  private readonly entries = new Map<string, CachedVm>();
  private bytes = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The cached VM of `stackRunId`, left in place (and not counted as a use). */
  peek(stackRunId: string): CachedVm | undefined {
    return this.entries.get(stackRunId);
  }

  /**
   * Removes and returns the VM of `stackRunId` if it is cached at `activation` and still alive (its
   * worker was not replaced); any other is dropped.
   */
  take(stackRunId: string, activation: number): CachedVm | undefined {
    const entry = this.entries.get(stackRunId);
    if (!entry) return undefined;
    this.remove(entry);
    if (entry.activation === activation && entry.vm.alive) return entry;
    entry.vm.dispose();
    return undefined;
  }

  put(entry: CachedVm): void {
    if (this.maxEntries === 0 || entry.bytes > this.maxBytes) {
      if (this.maxEntries > 0) vmCacheEvictions.inc({ reason: "too_large" });
      entry.vm.dispose();
      return;
    }
    const previous = this.entries.get(entry.stackRunId);
    if (previous) this.drop(previous);
    this.entries.set(entry.stackRunId, entry);
    this.bytes += entry.bytes;
    vmCacheEntries.inc();
    vmCacheBytes.inc(entry.bytes);
    for (const oldest of this.entries.values()) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      vmCacheEvictions.inc({ reason: "lru" });
      this.drop(oldest);
    }
  }

  /** Disposes the VM of a stack run that will not resume (its call was cancelled), if it is cached. */
  evict(stackRunId: string): void {
    const entry = this.entries.get(stackRunId);
    if (entry) this.drop(entry);
  }

  /** Disposes every VM of a run that ended. */
  evictRun(taskRunId: string): void {
    for (const entry of this.entries.values()) if (entry.taskRunId === taskRunId) this.drop(entry);
  }

  clear(): void {
    for (const entry of this.entries.values()) this.drop(entry);
  }

  private drop(entry: CachedVm): void {
    this.remove(entry);
    entry.vm.dispose();
  }

  private remove(entry: CachedVm): void {
    this.entries.delete(entry.stackRunId);
    this.bytes -= entry.bytes;
    vmCacheEntries.dec();
    vmCacheBytes.dec(entry.bytes);
  }
}
