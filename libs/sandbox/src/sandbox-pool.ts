import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { ErrorCodes } from "./error-codes.js";
import { FairQueue, type Share } from "./fair-queue.js";
import { resolveLimits, type SandboxLimits } from "./limits.js";
import { compileBuild } from "./module-pool.js";
import type { PinnedModule } from "./module-use.js";
import { PooledVm } from "./pooled-vm.js";
import { SandboxFailure } from "./sandbox-failure.js";
import { overrunOutcome, type Overrun } from "./overrun.js";
import type { ActivationBatch, JournalActivation } from "./types.js";
import { releaseBuild } from "./wasm-module-host.js";
import { workerEntry } from "./worker-entry.js";
import { WorkerSlot } from "./worker-slot.js";
import type { ActivationReport, FromWorker, ModuleVersion, ToWorker, VmIdentity, WorkerSetup } from "./worker-protocol.js";

/** A stack run's first activation. */
export type PoolStart = VmIdentity & { at: number };
/** A stack run's VM rebuilt from its journal, with the helper modules its activations loaded. */
export type PoolReplay = VmIdentity & { journal: JournalActivation[]; pinned: Record<string, PinnedModule> };

/** How the pool runs: its worker threads, the limits of their VMs, and the grace past a limit before a worker is stopped. */
export interface PoolSettings {
  /** Worker threads, each running one activation at a time (default: the machine's cores). */
  workers: number;
  limits: Partial<SandboxLimits>;
  /** CPU or wall-clock time past an activation's limit before its worker is terminated, in ms (default 250). */
  killGraceMs: number;
}

/** How the pool fares: workers, activations waiting, VMs held, and workers replaced by cause. */
export interface PoolStats {
  workers: number;
  busyWorkers: number;
  queued: number;
  /** Activations waiting, by namespace. */
  queuedByNamespace: Record<string, number>;
  liveVms: number;
  /** Workers terminated at a deadline (by the code the activation failed with) or lost (`crashed`). */
  replacedWorkers: Record<string, number>;
}

/** An activation waiting for, or running on, a worker. */
export interface PoolJob {
  readonly id: number;
  readonly message: Exclude<ToWorker, { type: "modules" | "dispose" }>;
  readonly share: Share;
  /** A resume runs where its VM is; a start or replay on any worker. */
  readonly slot: WorkerSlot | undefined;
  /** Activations the job runs (a replay runs its whole journal): its deadlines are that many limits. */
  readonly activations: number;
  resolve(value: { vm: PooledVm; report: ActivationReport }): void;
  reject(error: Error): void;
}

const DEFAULT_KILL_GRACE_MS = 250;
/** How long a worker that failed to start waits before the next try. */
const RESPAWN_DELAY_MS = 1000;

/**
 * Runs activations on a pool of worker threads, each holding many VMs, so that a deadline can really
 * stop one: QuickJS checks for an interrupt between bytecodes but not inside a native built-in
 * (`Array.prototype.join` on a huge array-like) or its compiler, and those can hold a thread for
 * minutes. A worker whose activation overruns its CPU or wall-clock limit (by `killGraceMs`) is
 * terminated and replaced: the activation fails with `CPU_TIME_LIMIT`, `WALL_TIME_LIMIT`, or
 * `COMPILE_TIME_LIMIT` when it was compiling a module, and the other VMs that worker held are lost —
 * resuming one rejects with `VM_LOST`, and its run replays. Activations wait in a fair queue; a free
 * worker takes the next one it can run (its own VMs' resumes, or any start or replay).
 */
export class SandboxPool {
  private readonly slots: WorkerSlot[] = [];
  private readonly queue: FairQueue<PoolJob>;
  private readonly modules = new Map<string, ModuleVersion>();
  private readonly replaced: Record<string, number> = {};
  private nextJob = 1;
  private nextVm = 1;
  private closed = false;

  private constructor(
    private readonly settings: PoolSettings,
    private readonly limits: SandboxLimits,
    private readonly compiled: WebAssembly.Module,
  ) {
    // A task version not seen yet is expected to cost a tenth of the CPU limit: behind the versions
    // known to be cheap, ahead of those known to be slow (4 native-built-in hogs held an echo 6 s).
    this.queue = new FairQueue<PoolJob>({ unknownCostMs: limits.cpuMsPerActivation / 10 });
  }

  /** Compiles the QuickJS WASM once and starts the workers; resolves when every one is ready. */
  static async create(settings: Partial<PoolSettings> = {}): Promise<SandboxPool> {
    const full = { workers: settings.workers ?? availableParallelism(), limits: settings.limits ?? {}, killGraceMs: settings.killGraceMs ?? DEFAULT_KILL_GRACE_MS };
    if (!Number.isInteger(full.workers) || full.workers < 1) throw new SandboxFailure(ErrorCodes.invalidLimits, `workers must be a positive integer, got ${full.workers}`);
    const pool = new SandboxPool(full, resolveLimits(full.limits), await compileBuild(releaseBuild()));
    pool.slots.push(...Array.from({ length: full.workers }, () => new WorkerSlot()));
    try {
      await Promise.all(pool.slots.map((slot) => pool.startWorker(slot)));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  /** Runs a stack run's first activation on the first free worker. */
  start(request: PoolStart, share: Share): Promise<{ vm: PooledVm; report: ActivationReport }> {
    const { stackRunId, namespace, taskName, code, input, at } = request;
    return this.enqueue((job, vmId) => ({ type: "start", job, vmId, stackRunId, namespace, taskName, code, input, at }), share, undefined, 1);
  }

  /** Rebuilds a VM from its journal (see `Sandbox.replay`) on the first free worker. */
  replay(request: PoolReplay, share: Share): Promise<{ vm: PooledVm; report: ActivationReport }> {
    const { stackRunId, namespace, taskName, code, input, journal, pinned } = request;
    const message = (job: number, vmId: number) => ({ type: "replay" as const, job, vmId, stackRunId, namespace, taskName, code, input, journal, pinned });
    return this.enqueue(message, share, undefined, Math.max(1, journal.length));
  }

  /** Delivers a batch to a VM on the worker that holds it; rejects with `VM_LOST` when that worker was replaced. */
  async resume(vm: PooledVm, batch: ActivationBatch, share: Share): Promise<ActivationReport> {
    if (!vm.alive) throw lost(vm);
    const { report } = await this.enqueue((job) => ({ type: "resume", job, vmId: vm.id, at: batch.at, results: batch.results }), share, vm, 1);
    return report;
  }

  /** Frees a VM on its worker (nothing to do when that worker is gone). */
  disposeVm(vm: PooledVm): void {
    if (vm.slot.generation === vm.generation) vm.slot.post({ type: "dispose", vmId: vm.id });
    vm.slot.vms.delete(vm.id);
  }

  /** Teaches every worker the latest version of a helper module, before any activation sent after it. */
  learnModule(module: ModuleVersion): void {
    this.modules.set(module.name, module);
    for (const slot of this.slots) slot.post({ type: "modules", modules: [module] });
  }

  stats(): PoolStats {
    return {
      workers: this.slots.length,
      busyWorkers: this.slots.filter((slot) => slot.running !== undefined).length,
      queued: this.queue.size,
      queuedByNamespace: Object.fromEntries(this.queue.depthByNamespace()),
      liveVms: this.slots.reduce((sum, slot) => sum + slot.vms.size, 0),
      replacedWorkers: { ...this.replaced },
    };
  }

  /** Stops every worker; what waits or runs rejects with `SANDBOX_DISPOSED`. */
  async close(): Promise<void> {
    this.closed = true;
    const disposed = new SandboxFailure(ErrorCodes.sandboxDisposed, "the sandbox was disposed");
    for (let job = this.queue.take(); job !== undefined; job = this.queue.take()) job.reject(disposed);
    await Promise.all(
      this.slots.map((slot) => {
        slot.running?.reject(disposed);
        return slot.detach()?.terminate();
      }),
    );
  }

  private enqueue(
    message: (job: number, vmId: number) => PoolJob["message"],
    share: Share,
    vm: PooledVm | undefined,
    activations: number,
  ): Promise<{ vm: PooledVm; report: ActivationReport }> {
    if (this.closed) return Promise.reject(new SandboxFailure(ErrorCodes.sandboxDisposed, "the sandbox was disposed"));
    return new Promise((resolve, reject) => {
      const id = this.nextJob++;
      const vmId = vm?.id ?? this.nextVm++;
      this.queue.push({ id, message: message(id, vmId), share, slot: vm?.slot, activations, resolve, reject }, share);
      this.pump();
    });
  }

  /**
   * Gives every idle worker the next activation it can run. A worker cannot be taken back from an
   * activation, so activations of task versions known to be slow may hold all workers but one: that
   * one stays for the others (an echo waited 4 s behind 4 hogs that held both workers).
   */
  private pump(): void {
    for (const slot of this.slots) {
      if (!slot.idle) continue;
      const slowLaneFull = this.slots.length > 1 && this.slots.filter((other) => other.running !== undefined && this.isSlow(other.running)).length >= this.slots.length - 1;
      const job = this.queue.take((candidate) => (candidate.slot === undefined || candidate.slot === slot) && !(slowLaneFull && this.isSlow(candidate)));
      if (job === undefined) continue;
      const { cpuMsPerActivation, wallMsPerActivation } = this.limits;
      const grace = this.settings.killGraceMs;
      const deadline = { cpuMs: cpuMsPerActivation * job.activations + grace, wallMs: wallMsPerActivation * job.activations + grace };
      slot.run(job, deadline, (overrun) => this.onOverrun(slot, job, overrun));
    }
  }

  /** Whether the job's task version is known to use a quarter of the CPU limit or more per activation. */
  private isSlow(job: PoolJob): boolean {
    return this.queue.expectedCost(job.share.costKey) >= this.limits.cpuMsPerActivation / 4;
  }

  private onAnswer(slot: WorkerSlot, message: Exclude<FromWorker, { type: "ready" }>): void {
    const finished = slot.finish(message.job);
    if (finished === undefined) return;
    const { job, ms } = finished;
    this.queue.charge(job.share, ms);
    if (message.type === "failed") job.reject(new SandboxFailure(message.code, message.message));
    else job.resolve({ vm: this.vmOf(slot, job, message.report), report: message.report });
    this.pump();
  }

  /** The handle of the job's VM, kept current (a start's or replay's VM is created here). */
  private vmOf(slot: WorkerSlot, job: PoolJob, report: ActivationReport): PooledVm {
    const vm = slot.vms.get(job.message.vmId) ?? new PooledVm(this, slot, slot.generation, job.message.vmId);
    vm.update(report);
    if (report.outcome.kind === "suspended") slot.vms.set(vm.id, vm);
    else slot.vms.delete(vm.id);
    return vm;
  }

  /** The activation overran, or ran its worker out of memory: it fails, and the worker is replaced. */
  private onOverrun(slot: WorkerSlot, job: PoolJob, overrun: Overrun): void {
    const report: ActivationReport = { outcome: overrunOutcome(overrun, this.limits), runMs: Number.POSITIVE_INFINITY, logs: [], modules: undefined, memoryBytes: 0, activations: 0 };
    const code = (report.outcome as { error: { code: string } }).error.code;
    this.replaced[code] = (this.replaced[code] ?? 0) + 1;
    const vm = new PooledVm(this, slot, slot.generation, job.message.vmId);
    vm.update(report);
    this.replaceWorker(slot);
    job.resolve({ vm, report });
  }

  /** The worker stopped by itself (an error it did not catch, or its thread's heap ran out). */
  private onLost(slot: WorkerSlot, error: Error & { code?: string }): void {
    const job = slot.running;
    this.replaced.crashed = (this.replaced.crashed ?? 0) + 1;
    if (job !== undefined && error.code === "ERR_WORKER_OUT_OF_MEMORY") return this.onOverrun(slot, job, { kind: "memory", activity: slot.activity.get() });
    this.replaceWorker(slot);
    job?.reject(new SandboxFailure(ErrorCodes.workerExited, `the sandbox worker stopped under this activation: ${error.message}`));
  }

  /** Terminates the slot's worker: its VMs' waiting resumes reject with `VM_LOST`, and a fresh worker takes its place. */
  private replaceWorker(slot: WorkerSlot): void {
    void slot.detach()?.terminate();
    const held = (candidate: PoolJob) => candidate.slot === slot;
    for (let job = this.queue.take(held); job !== undefined; job = this.queue.take(held)) {
      job.reject(new SandboxFailure(ErrorCodes.vmLost, "the worker that held this VM was replaced: replay it"));
    }
    if (!this.closed) this.respawn(slot);
  }

  /**
   * Starts a fresh worker in `slot`, again a second later while it fails to start. While no worker at
   * all is ready, what waits is rejected (its message goes back to the bus, which gives up on it in
   * time and fails the call) rather than left waiting for a worker that may never come.
   */
  private respawn(slot: WorkerSlot): void {
    this.startWorker(slot).catch((error: unknown) => {
      if (this.closed) return;
      if (!this.slots.some((other) => other.ready)) {
        const failure = new SandboxFailure(ErrorCodes.workerExited, `no sandbox worker could start: ${error instanceof Error ? error.message : String(error)}`);
        for (let job = this.queue.take(); job !== undefined; job = this.queue.take()) job.reject(failure);
      }
      setTimeout(() => this.respawn(slot), RESPAWN_DELAY_MS).unref();
    });
  }

  /** Starts a worker in `slot`, taught every module known; resolves once it is ready for activations. */
  private startWorker(slot: WorkerSlot): Promise<void> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(workerEntry("./sandbox-worker.js", import.meta.url), { workerData: { limits: this.settings.limits, activity: slot.activity.buffer, compiled: this.compiled } satisfies WorkerSetup });
      worker.unref();
      slot.attach(worker);
      slot.post({ type: "modules", modules: [...this.modules.values()] });
      worker.on("message", (message: FromWorker) => {
        if (slot.worker !== worker) return;
        if (message.type !== "ready") return this.onAnswer(slot, message);
        slot.ready = true;
        resolve();
        this.pump();
      });
      const lost = (error: Error) => {
        if (slot.worker !== worker) return; // replaced on purpose
        if (slot.ready) return this.onLost(slot, error);
        slot.detach();
        reject(error);
      };
      worker.on("error", lost);
      worker.on("exit", (exitCode) => lost(new Error(`the sandbox worker exited with code ${exitCode}`)));
    });
  }
}

function lost(vm: PooledVm): SandboxFailure {
  return new SandboxFailure(ErrorCodes.vmLost, `VM ${vm.id} is no longer held: its worker was replaced or it ended`);
}
