import { type ActivityMarker, UNWATCHED } from "./activity.js";
import { ErrorCodes } from "./error-codes.js";
import { resolveLimits, type SandboxLimits } from "./limits.js";
import { ModulePool } from "./module-pool.js";
import { PreparedVms } from "./prepared-vms.js";
import { replayJournal } from "./replay.js";
import { SandboxFailure } from "./sandbox-failure.js";
import { TaskVmImpl, type TaskVm, type TaskVmOptions } from "./task-vm.js";
import type { JournalActivation, Outcome, SandboxStats } from "./types.js";
import { releaseBuild, type QuickJSBuild } from "./wasm-module-host.js";

/** Starts a stack run: its identity, code, input and the first activation's recorded time. */
export type StartRequest = TaskVmOptions & { input: unknown; at: number };
/** Rebuilds a stack run's VM from its journal (the first activation's `at` is the journal's). */
export type ReplayRequest = TaskVmOptions & { input: unknown; journal: JournalActivation[] };

/**
 * Runs task code in QuickJS VMs, one per stack run, on WASM module instances compiled once, from a
 * few VMs kept prepared ahead. `start` and `replay` are async only because they may have to
 * instantiate a fresh module; the activations themselves are synchronous and run until the VM is
 * idle. A VM whose outcome is `completed` or `failed` is already disposed; a `suspended` one is the
 * caller's to resume or dispose.
 */
export interface Sandbox {
  /** Runs the first activation of a stack run; its log lines go to `onLog`. */
  start(request: StartRequest): Promise<{ vm: TaskVm; outcome: Outcome }>;
  /**
   * Rebuilds a VM from its journal, emitting no log lines, and returns the outcome of the journal's
   * last activation (it lists that activation's calls, which the journal already holds; a failed one
   * lists none). A call that differs from the journal fails the VM with `NON_DETERMINISM`.
   */
  replay(request: ReplayRequest): Promise<{ vm: TaskVm; outcome: Outcome }>;
  stats(): SandboxStats;
  /** Drops every module; VMs still alive must not be used afterwards. */
  dispose(): void;
}

/** Compiles the QuickJS WASM and instantiates the first module, so that starting a VM is cheap. */
export async function createSandbox(options?: Partial<SandboxLimits>): Promise<Sandbox> {
  return createSandboxOn(releaseBuild(), options);
}

/**
 * A sandbox on a given QuickJS build (the debug build's leak sanitizer checks our handle ownership in
 * tests), its WASM compiled already or not, whose VMs report what they do to `activity` (a worker's).
 */
export async function createSandboxOn(
  build: QuickJSBuild,
  options?: Partial<SandboxLimits>,
  activity: ActivityMarker = UNWATCHED,
  compiled?: WebAssembly.Module,
): Promise<SandboxImpl> {
  const limits = resolveLimits(options);
  const pool = await ModulePool.create(build, limits, compiled);
  return new SandboxImpl(pool, new PreparedVms(pool, limits, limits.preparedVms), limits, activity);
}

export class SandboxImpl implements Sandbox {
  private disposed = false;

  constructor(
    private readonly pool: ModulePool,
    private readonly prepared: PreparedVms,
    private readonly limits: SandboxLimits,
    private readonly activity: ActivityMarker,
  ) {}

  async start(request: StartRequest): Promise<{ vm: TaskVm; outcome: Outcome }> {
    const vm = await this.newVm(request);
    try {
      return { vm, outcome: vm.start(request.at, request.input) };
    } catch (error) {
      // Host misuse (an input that is not JSON): the caller never gets the VM, so it is freed here.
      vm.dispose();
      throw error;
    }
  }

  async replay(request: ReplayRequest): Promise<{ vm: TaskVm; outcome: Outcome }> {
    const vm = await this.newVm(request);
    return { vm, outcome: replayJournal(vm, request.input, request.journal) };
  }

  stats(): SandboxStats {
    const stats = this.pool.stats();
    return { ...stats, liveVms: stats.liveVms - this.prepared.count, preparedVms: this.prepared.count };
  }

  /** Modules whose leak sanitizer reports lost memory (debug build only). */
  leakingModules(): number {
    return this.pool.leakingModules();
  }

  dispose(): void {
    this.disposed = true;
    this.prepared.dispose();
    this.pool.dispose();
  }

  private async newVm(options: TaskVmOptions): Promise<TaskVmImpl> {
    if (this.disposed) throw new SandboxFailure(ErrorCodes.sandboxDisposed, "the sandbox was disposed");
    const prepared = await this.prepared.take();
    try {
      return new TaskVmImpl(this.pool, prepared, this.limits, { ...options }, this.activity);
    } catch (error) {
      this.prepared.discard(prepared);
      throw error;
    }
  }
}
