import type { Worker } from "node:worker_threads";
import { SharedActivity } from "./activity.js";
import type { Overrun } from "./overrun.js";
import type { PooledVm } from "./pooled-vm.js";
import type { PoolJob } from "./sandbox-pool.js";
import type { ToWorker } from "./worker-protocol.js";

/** How long a job may take before its worker is stopped: CPU time of the worker's thread, and wall-clock time, in ms. */
export type Deadline = { cpuMs: number; wallMs: number };

/** The shortest wait between two looks at a running job's CPU time. */
const MIN_CHECK_MS = 20;

/**
 * One place in the pool, held by one worker thread at a time: the VMs that worker holds, the job it
 * runs, and the watch over that job's deadline. Replacing the worker (`detach`, then `attach` of the
 * next) starts a new generation: handles of the old one's VMs are no longer alive.
 */
export class WorkerSlot {
  readonly activity = new SharedActivity();
  readonly vms = new Map<number, PooledVm>();
  generation = 0;
  worker: Worker | undefined;
  ready = false;
  running: PoolJob | undefined;
  private startedAt = 0;
  private timer: NodeJS.Timeout | undefined;

  get idle(): boolean {
    return this.worker !== undefined && this.ready && this.running === undefined;
  }

  attach(worker: Worker): void {
    this.detach();
    this.worker = worker;
  }

  /** Forgets the worker (the caller terminates it) and every VM it held; returns it. */
  detach(): Worker | undefined {
    const worker = this.worker;
    this.generation += 1;
    this.vms.clear();
    this.worker = undefined;
    this.ready = false;
    this.running = undefined;
    clearTimeout(this.timer);
    return worker;
  }

  post(message: ToWorker): void {
    this.worker?.postMessage(message);
  }

  /**
   * Sends `job` to the worker and watches it: past `deadline` (CPU time of the worker's thread, or
   * wall-clock time) `onOverrun` is called, once, unless the job finished first.
   */
  run(job: PoolJob, deadline: Deadline, onOverrun: (overrun: Overrun) => void): void {
    const worker = this.worker!;
    this.running = job;
    this.startedAt = performance.now();
    const cpuBase = worker.cpuUsage().catch(() => undefined);
    worker.postMessage(job.message);
    const check = async (): Promise<void> => {
      if (this.running !== job) return;
      const wallMs = performance.now() - this.startedAt;
      if (wallMs >= deadline.wallMs) return onOverrun({ kind: "wall", activity: this.activity.get() });
      const base = await cpuBase;
      const used = base === undefined ? undefined : await worker.cpuUsage(base).catch(() => undefined);
      if (this.running !== job) return;
      // Without a reading (the thread is exiting) the wall-clock time stands in for CPU time.
      const cpuMs = used === undefined ? wallMs : (used.user + used.system) / 1000;
      if (cpuMs >= deadline.cpuMs) return onOverrun({ kind: "cpu", activity: this.activity.get() });
      this.timer = setTimeout(() => void check(), Math.max(MIN_CHECK_MS, Math.min(deadline.cpuMs - cpuMs, deadline.wallMs - wallMs)));
    };
    // CPU time never runs ahead of wall-clock time: no need to look before the CPU deadline.
    this.timer = setTimeout(() => void check(), Math.min(deadline.cpuMs, deadline.wallMs));
  }

  /** The job answered: no longer watched. Undefined when it is not the one running (it was given up on). */
  finish(jobId: number): { job: PoolJob; ms: number } | undefined {
    const job = this.running;
    if (job === undefined || job.id !== jobId) return undefined;
    this.running = undefined;
    clearTimeout(this.timer);
    return { job, ms: performance.now() - this.startedAt };
  }
}
