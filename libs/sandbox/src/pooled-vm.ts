import type { Share } from "./fair-queue.js";
import type { SandboxPool } from "./sandbox-pool.js";
import type { ActivationBatch } from "./types.js";
import type { ActivationReport } from "./worker-protocol.js";
import type { WorkerSlot } from "./worker-slot.js";

/**
 * The pool's handle of a VM held by one of its workers. `memoryBytes` and `activations` are as of its
 * last activation. It is `alive` while suspended on the worker that made it: once its task ended, it
 * was disposed, or its worker was replaced, it is not, and `resume` rejects with `VM_LOST`.
 */
export class PooledVm {
  memoryBytes = 0;
  activations = 0;
  private ended = false;

  constructor(
    private readonly pool: SandboxPool,
    readonly slot: WorkerSlot,
    readonly generation: number,
    readonly id: number,
  ) {}

  get alive(): boolean {
    return !this.ended && this.slot.generation === this.generation;
  }

  /** Notes what an activation reported: the VM's size, its activations, and whether it ended. */
  update(report: ActivationReport): void {
    this.memoryBytes = report.memoryBytes;
    this.activations = report.activations;
    if (report.outcome.kind !== "suspended") this.ended = true;
  }

  resume(batch: ActivationBatch, share: Share): Promise<ActivationReport> {
    return this.pool.resume(this, batch, share);
  }

  /** Idempotent; frees the VM on its worker if that worker still holds it. */
  dispose(): void {
    if (this.ended) return;
    this.ended = true;
    this.pool.disposeVm(this);
  }
}
