import { Worker } from "node:worker_threads";
import type { OnModuleDestroy } from "@nestjs/common";
import type { CompileCheck, CompileLimits, CompileRequest, CompileWorkerMessage } from "./compile-check.js";

/** How many threads check code at once, how long one check may take, how many may wait for a thread. */
export interface CompileWorkersOptions {
  readonly threads: number;
  /** What every thread is started with (its `workerData`). */
  readonly limits: CompileLimits;
  /** Milliseconds from the moment a thread takes a check; past it the thread is terminated. */
  readonly deadlineMs: number;
  readonly maxWaiting: number;
}

/** Thrown by `check` when `maxWaiting` checks already wait for a thread. */
export class CompileBusyError extends Error {
  constructor(readonly waiting: number) {
    super(`${waiting} code checks are already waiting for a compile thread`);
  }
}

type Job = { request: Omit<CompileRequest, "id">; resolve(check: CompileCheck): void; reject(error: unknown): void };
type Slot = { worker: Worker; ready: boolean; job?: Job; id: number; timer?: NodeJS.Timeout };

/**
 * Checks published code (acorn, then a QuickJS compile) on a few worker threads, so that a check
 * never holds the gateway's event loop. A check that overruns its deadline answers
 * `{timeLimitMs}`, and its thread is terminated and replaced: QuickJS's compiler cannot be interrupted
 * any other way. Threads start on first use; `close` terminates them and fails what waits.
 */
export class CompileWorkers implements OnModuleDestroy {
  private readonly slots = new Set<Slot>();
  private readonly waiting: Job[] = [];
  private nextId = 0;
  private closed = false;

  constructor(
    private readonly entry: URL,
    private readonly options: CompileWorkersOptions,
  ) {}

  /** Checks `code` (`name`: the module name in QuickJS's messages); throws `CompileBusyError` when too many wait. */
  check(code: string, name: string): Promise<CompileCheck> {
    if (this.closed) return Promise.reject(new Error("the compile workers are closed"));
    if (this.waiting.length >= this.options.maxWaiting) return Promise.reject(new CompileBusyError(this.waiting.length));
    return new Promise((resolve, reject) => {
      this.waiting.push({ request: { code, name }, resolve, reject });
      this.dispatch();
    });
  }

  onModuleDestroy(): Promise<void> {
    return this.close();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.waiting.splice(0)) job.reject(new Error("the compile workers are closed"));
    await Promise.all([...this.slots].map((slot) => this.stop(slot, new Error("the compile workers are closed"))));
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.waiting.length === 0) return;
      if (slot.ready && slot.job === undefined) this.take(slot, this.waiting.shift()!);
    }
    let starting = [...this.slots].filter((slot) => !slot.ready).length;
    for (; this.waiting.length > starting && this.slots.size < this.options.threads; starting++) this.spawn();
  }

  private take(slot: Slot, job: Job): void {
    slot.job = job;
    slot.id = this.nextId++;
    slot.timer = setTimeout(() => {
      void this.stop(slot);
      job.resolve({ timeLimitMs: this.options.deadlineMs });
      this.dispatch();
    }, this.options.deadlineMs);
    slot.worker.postMessage({ id: slot.id, ...job.request } satisfies CompileRequest);
  }

  private spawn(): void {
    const slot: Slot = { worker: new Worker(this.entry, { workerData: this.options.limits }), ready: false, id: -1 };
    this.slots.add(slot);
    slot.worker.on("message", (message: CompileWorkerMessage) => {
      if ("ready" in message) slot.ready = true;
      else if (slot.job !== undefined && message.id === slot.id) this.settle(slot).resolve(message.check);
      this.dispatch();
    });
    slot.worker.on("error", (error) => this.lost(slot, error));
    slot.worker.on("exit", (exitCode) => this.lost(slot, new Error(`a compile thread ended (exit code ${exitCode})`)));
  }

  /**
   * A thread that failed or ended on its own: its check fails with `error`. One that never became
   * ready cannot start at all (its entry is missing or broken): what waits fails too, rather than
   * threads being started over and over.
   */
  private lost(slot: Slot, error: unknown): void {
    if (!this.slots.has(slot)) return;
    void this.stop(slot, error);
    if (!slot.ready) for (const job of this.waiting.splice(0)) job.reject(error);
    this.dispatch();
  }

  /** Clears the slot's job and deadline, and hands back the job. */
  private settle(slot: Slot): Job {
    const job = slot.job!;
    clearTimeout(slot.timer);
    slot.job = undefined;
    slot.timer = undefined;
    return job;
  }

  /** Terminates the slot's thread; its job, if it still has one, fails with `error`. */
  private async stop(slot: Slot, error?: unknown): Promise<void> {
    if (!this.slots.delete(slot)) return;
    if (slot.job !== undefined) {
      const job = this.settle(slot);
      if (error !== undefined) job.reject(error);
    }
    await slot.worker.terminate();
  }
}
