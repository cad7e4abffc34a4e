import { Activity } from "./activity.js";
import { ErrorCodes } from "./error-codes.js";
import type { SandboxLimits } from "./limits.js";
import { sandboxError } from "./sandbox-failure.js";
import type { Outcome } from "./types.js";

/** Why a worker was stopped under an activation: the limit it overran, or its thread running out of memory. */
export type Overrun = { kind: "cpu" | "wall" | "memory"; activity: Activity };

/**
 * The failed outcome of an activation whose worker was stopped: `COMPILE_TIME_LIMIT` when it was
 * compiling a module at that moment, else the limit it overran. It lists no calls: those it made
 * were never recorded, so nothing waits on them.
 */
export function overrunOutcome(overrun: Overrun, limits: SandboxLimits): Outcome {
  const cpu = `${limits.cpuMsPerActivation} ms of CPU time`;
  if (overrun.kind === "memory") {
    return failed(ErrorCodes.memoryLimit, "MemoryLimitError", "the activation ran its worker out of memory");
  }
  if (overrun.activity === Activity.compiling) {
    const limit = overrun.kind === "cpu" ? cpu : `${limits.wallMsPerActivation} ms of wall-clock time`;
    return failed(ErrorCodes.compileTimeLimit, "CompileTimeLimitError", `compiling the task's code took longer than the activation's ${limit}`);
  }
  if (overrun.kind === "cpu") return failed(ErrorCodes.cpuTimeLimit, "CpuTimeLimitError", `the activation used more than ${cpu}`);
  return failed(ErrorCodes.wallTimeLimit, "WallTimeLimitError", `the activation ran longer than ${limits.wallMsPerActivation} ms of wall-clock time`);
}

function failed(code: string, name: string, message: string): Outcome {
  return { kind: "failed", error: sandboxError(code, `${message}; it was stopped`, name), calls: [] };
}
