import type { SandboxLimits } from "./limits.js";
import type { ModulePool } from "./module-pool.js";
import { prepareVm, type PreparedVm } from "./vm-setup.js";

/**
 * Keeps a few VMs prepared (runtime, context, compiled prelude), so that starting a run only binds
 * one; compiling the prelude is most of the cost of a VM. Taking one schedules a refill for when the
 * event loop is idle, one VM per turn; with none ready, a VM is prepared on the spot.
 */
export class PreparedVms {
  private readonly ready: PreparedVm[] = [];
  private refilling = false;
  private disposed = false;

  constructor(
    private readonly pool: ModulePool,
    private readonly limits: SandboxLimits,
    private readonly target: number,
  ) {
    pool.onRetired = (host) => this.discardOn(host);
  }

  get count(): number {
    return this.ready.length;
  }

  /**
   * A prepared VM the caller now owns (its scope and its place on the module). One prepared on a
   * module retired since is discarded: no new run goes on a retired module.
   */
  async take(): Promise<PreparedVm> {
    let vm = this.ready.pop();
    while (vm !== undefined && vm.host.retired) {
      this.discard(vm);
      vm = this.ready.pop();
    }
    vm ??= await this.prepareWhenRoom();
    this.scheduleRefill();
    return vm;
  }

  /** Frees the VMs prepared on a module that was retired, so that it can be dropped once its runs end. */
  private discardOn(host: PreparedVm["host"]): void {
    const on = this.ready.filter((vm) => vm.host === host);
    if (on.length === 0) return;
    this.ready.splice(0, this.ready.length, ...this.ready.filter((vm) => vm.host !== host));
    for (const vm of on) this.discard(vm);
  }

  /** Frees a prepared VM that was taken but never bound. */
  discard(vm: PreparedVm): void {
    try {
      vm.scope.dispose();
      this.pool.release(vm.host, true);
    } catch {
      // As for a VM of a run (TaskVmImpl.dispose): the module no longer takes VMs.
      this.pool.release(vm.host, false);
    }
  }

  dispose(): void {
    this.disposed = true;
    for (const vm of this.ready.splice(0)) this.discard(vm);
  }

  /** Another flow may take the room between `makeRoom` and the lease, hence the check in the same turn. */
  private async prepareWhenRoom(): Promise<PreparedVm> {
    for (;;) {
      await this.pool.makeRoom();
      if (this.pool.hasRoom()) return this.prepareNow();
    }
  }

  /** Leases and prepares in one synchronous turn: stats never see a VM half-made. */
  private prepareNow(): PreparedVm {
    const host = this.pool.leaseNow();
    try {
      return prepareVm(host, this.limits);
    } catch (error) {
      this.pool.release(host, true);
      throw error;
    }
  }

  private scheduleRefill(): void {
    if (this.refilling || this.disposed || this.ready.length >= this.target) return;
    this.refilling = true;
    setImmediate(() => void this.refill());
  }

  private async refill(): Promise<void> {
    try {
      while (!this.disposed && this.ready.length < this.target) {
        const vm = await this.prepareWhenRoom();
        if (this.disposed) return this.discard(vm);
        this.ready.push(vm);
        await new Promise((resolve) => setImmediate(resolve));
      }
    } catch {
      // A failed refill is retried by the next take, which prepares on the spot and reports the error.
    } finally {
      this.refilling = false;
    }
  }
}
