import { SandboxFailure } from "./sandbox-failure.js";

/** Limits applied to every task VM; each breach fails the activation with its own error code. */
export interface SandboxLimits {
  /** Heap a VM may use (QuickJS accounting and module growth per activation). Code `MEMORY_LIMIT`. */
  memoryBytes: number;
  /** QuickJS stack size; at most 64 KiB, the WASM stack. Code `STACK_LIMIT`. */
  stackBytes: number;
  /** CPU time (the thread's, user and system) one activation may use. Code `CPU_TIME_LIMIT`. */
  cpuMsPerActivation: number;
  /**
   * Wall-clock time one activation may run: a backstop for time the CPU limit does not see (a host
   * callback that blocks). Code `WALL_TIME_LIMIT`.
   */
  wallMsPerActivation: number;
  /** JSON size of one call's arguments. Code `ARGS_TOO_LARGE`. */
  argsBytes: number;
  /** JSON size of the arguments of all the calls one activation makes. Code `ARGS_TOO_LARGE`. */
  argsBytesPerActivation: number;
  /** JSON size of a call's result or of the task's return value. Code `RESULT_TOO_LARGE`. */
  resultBytes: number;
  /** Calls one activation may make. Code `CALL_LIMIT`. */
  callsPerActivation: number;
  /** Log lines one activation may write; later ones are dropped and counted in a last `warn` line (`LOG_LIMIT`). */
  logLinesPerActivation: number;
  /** UTF-8 bytes of the log lines one activation may write; the line that would pass it, and later ones, are dropped. */
  logBytesPerActivation: number;
  /** Log lines one stack run may write in all its activations (a replay counts them again); later ones are dropped. */
  logLinesPerRun: number;
  /** UTF-8 bytes of the log lines one stack run may write in all its activations; later ones are dropped. */
  logBytesPerRun: number;
  /**
   * VMs that share one WASM module instance before a fresh one is used for new VMs. Each fresh module's
   * 16 MiB memory makes V8 run a full collection of its thread's heap: a trivial task's start took
   * 1.39-1.43 ms of CPU at 64 VMs a module, 1.28-1.29 ms at 256, 1.20 ms never replacing one (one
   * thread, 4,000 starts).
   */
  vmsPerModule: number;
  /** Hard ceiling of one WASM module's memory: whatever its VMs do, the process never gives it more. */
  moduleMemoryBytes: number;
  /** VMs kept prepared (prelude compiled) for the next starts; 0 prepares each VM when it starts. */
  preparedVms: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: Readonly<SandboxLimits> = Object.freeze({
  memoryBytes: 64 * MiB,
  stackBytes: 64 * 1024,
  cpuMsPerActivation: 1000,
  wallMsPerActivation: 10_000,
  argsBytes: MiB,
  argsBytesPerActivation: 8 * MiB,
  resultBytes: MiB,
  callsPerActivation: 1000,
  logLinesPerActivation: 1000,
  logBytesPerActivation: MiB,
  logLinesPerRun: 10_000,
  logBytesPerRun: 10 * MiB,
  vmsPerModule: 256,
  moduleMemoryBytes: 1024 * MiB,
  preparedVms: 4,
});

/** Fills in defaults and rejects limits the WASM build cannot honour (code `INVALID_LIMITS`). */
export function resolveLimits(options: Partial<SandboxLimits> = {}): SandboxLimits {
  const limits = { ...DEFAULT_LIMITS, ...options };
  for (const [key, value] of Object.entries(limits)) {
    const allowsZero = key === "preparedVms";
    if (!Number.isFinite(value) || value < 0 || (value === 0 && !allowsZero)) invalid(`${key} must be a positive number, got ${value}`);
  }
  if (limits.stackBytes > 64 * 1024) invalid("stackBytes must be at most 64 KiB, the size of the WASM stack");
  if (limits.moduleMemoryBytes < 2 * limits.memoryBytes) invalid("moduleMemoryBytes must be at least twice memoryBytes");
  if (limits.moduleMemoryBytes > 2048 * MiB) invalid("moduleMemoryBytes must be at most 2 GiB");
  if (limits.argsBytesPerActivation < limits.argsBytes) invalid("argsBytesPerActivation must be at least argsBytes");
  return limits;
}

function invalid(message: string): never {
  throw new SandboxFailure("INVALID_LIMITS", message);
}
