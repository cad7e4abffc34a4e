import type { QuickJSRuntime } from "quickjs-emscripten-core";
import { ErrorCodes } from "./error-codes.js";
import type { SandboxLimits } from "./limits.js";
import type { SandboxError } from "./types.js";
import type { GrowthGate, WasmModuleHost } from "./wasm-module-host.js";

/** Measure the heap again after the module grew by this share of the limit, or after this long. */
const MEASURE_AFTER_GROWTH_SHARE = 1 / 8;
const MEASURE_AFTER_MS = 100;

/**
 * Enforces the time and memory limits of one VM while it runs. It is the runtime's interrupt handler
 * and the module's growth gate. Once a limit is hit the failure is fatal: every later interrupt check
 * stops the VM again, so the task's own try/catch cannot swallow it.
 *
 * Time is the thread's CPU time (`process.threadCpuUsage`), so that a busy machine does not fail a
 * task that needs little; wall-clock time has its own, generous limit for what CPU time does not see
 * (a host callback that blocks).
 *
 * Memory is bounded four ways: QuickJS's own limit rejects any single allocation over the budget; the
 * module may grow by at most the budget for this VM, in one activation and over all of them; and the
 * heap QuickJS reports ("memory used") is measured whenever the module grew or time passed, and at the
 * end of every activation. Neither figure alone counts every byte: this QuickJS build cannot size its
 * allocations (`malloc_usable_size` is unavailable under emscripten, so its own cumulative limit counts
 * 8 bytes a block), and its heap figure skips rope strings (long concatenations). The growth a VM
 * caused catches those; the heap figure catches memory reused from others' frees. The VM's footprint
 * is the larger of the two.
 */
export class ActivationGuard implements GrowthGate {
  fatal: SandboxError | undefined;
  /** Only during an activation: a prepared or idle VM runs no task code, so there is nothing to stop. */
  private active = false;
  private startedCpuMicros = 0;
  private startedAtMs = 0;
  private grownBytes = 0;
  private refusedGrowth = false;
  private measuredAtBytes = 0;
  private measuredAtMs = 0;
  /** Module growth this VM caused over its life. */
  private lifetimeGrownBytes = 0;
  /** QuickJS's heap figure when last measured. */
  private heapMeasured = 0;

  constructor(
    private readonly runtime: QuickJSRuntime,
    private readonly host: WasmModuleHost,
    private readonly limits: SandboxLimits,
  ) {}

  begin(): void {
    this.active = true;
    this.startedCpuMicros = threadCpuMicros();
    this.startedAtMs = this.measuredAtMs = performance.now();
    this.grownBytes = 0;
    this.refusedGrowth = false;
    this.measuredAtBytes = this.host.memoryBytes;
  }

  /**
   * Called after the activation ran: a refused growth or a heap over budget fails it. The heap is
   * measured every time (memory kept across awaits may have reused others' frees without any growth),
   * except when `measureHeap` is false: a replay's steps before its last, which are no suspension the
   * VM is kept across, and which would otherwise walk the heap once per journaled activation; the
   * periodic measure (`shouldInterrupt`), the growth gate and QuickJS's own limit still hold there.
   */
  end(measureHeap = true): void {
    this.active = false;
    if (this.fatal !== undefined) return;
    if (this.refusedGrowth) this.failMemory(this.refusal());
    else if (measureHeap) this.checkHeap();
  }

  /** The bytes the VM holds, as far as can be told: its heap when last measured, or the growth it caused. */
  get footprintBytes(): number {
    return Math.max(this.heapMeasured, this.lifetimeGrownBytes);
  }

  allowGrowth(bytes: number): boolean {
    // Emscripten retries with smaller steps when a growth is refused: only a refusal that stands is fatal.
    if (this.lifetimeGrownBytes + bytes > this.limits.memoryBytes) {
      this.refusedGrowth = true;
      return false;
    }
    this.grownBytes += bytes;
    this.lifetimeGrownBytes += bytes;
    this.refusedGrowth = false;
    return true;
  }

  shouldInterrupt(): boolean {
    if (this.fatal !== undefined) return true;
    if (!this.active) return false;
    if (this.refusedGrowth) {
      this.failMemory(this.refusal());
      return true;
    }
    const now = performance.now();
    // The thread's CPU time since `begin` is at most the wall-clock time since: it is read (a system
    // call, made at every interrupt check before) only once the wall clock passed the CPU limit.
    if (now - this.startedAtMs > this.limits.cpuMsPerActivation && threadCpuMicros() - this.startedCpuMicros > this.limits.cpuMsPerActivation * 1000) {
      this.fail(ErrorCodes.cpuTimeLimit, "CpuTimeLimitError", `the activation used more than ${this.limits.cpuMsPerActivation} ms of CPU time`);
      return true;
    }
    if (now - this.startedAtMs > this.limits.wallMsPerActivation) {
      this.fail(ErrorCodes.wallTimeLimit, "WallTimeLimitError", `the activation ran longer than ${this.limits.wallMsPerActivation} ms of wall-clock time`);
      return true;
    }
    const growth = this.host.memoryBytes - this.measuredAtBytes;
    if (growth >= this.limits.memoryBytes * MEASURE_AFTER_GROWTH_SHARE || now - this.measuredAtMs >= MEASURE_AFTER_MS) {
      this.checkHeap();
    }
    return this.fatal !== undefined;
  }

  fail(code: SandboxError["code"], name: string, message: string): void {
    this.fatal ??= { code, name, message };
  }

  /** The heap QuickJS accounts to this runtime, in bytes; walks the heap, so O(heap size). */
  heapBytes(): number {
    const match = /memory used\s+\d+\s+(\d+)/.exec(this.runtime.dumpMemoryUsage());
    return match === null ? 0 : Number(match[1]);
  }

  private checkHeap(): void {
    this.measuredAtBytes = this.host.memoryBytes;
    this.measuredAtMs = performance.now();
    const used = (this.heapMeasured = this.heapBytes());
    if (used > this.limits.memoryBytes) this.failMemory(`the VM uses ${used} bytes, over its limit of ${this.limits.memoryBytes}`);
  }

  private refusal(): string {
    const span = this.grownBytes === this.lifetimeGrownBytes ? "in one activation" : "over its activations";
    return `the VM needed more than ${this.limits.memoryBytes} bytes ${span}`;
  }

  private failMemory(message: string): void {
    this.fail(ErrorCodes.memoryLimit, "MemoryLimitError", message);
  }
}

/** CPU time this thread has used, user and system, in microseconds (about half a microsecond a call). */
function threadCpuMicros(): number {
  const { user, system } = process.threadCpuUsage();
  return user + system;
}
