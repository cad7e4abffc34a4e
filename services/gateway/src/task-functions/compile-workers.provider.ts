import type { Provider } from "@nestjs/common";
import type { Platform } from "@tasker/platform";
import { workerEntry } from "@tasker/sandbox";
import { DEFAULT_LIMITS } from "@tasker/sandbox";
import { PLATFORM } from "../platform.token.js";
import { CompileWorkers } from "./compile-workers.js";

/** Threads that check published code at once: two, so that one hostile publish cannot hold every check. */
const COMPILE_THREADS = 2;
/** Checks that may wait for a thread; one more is answered `503 COMPILE_BUSY`. */
const MAX_WAITING_CHECKS = 32;

/** The gateway's compile threads, each check stopped after `TASKER_COMPILE_MS`; terminated when the app closes. */
export const compileWorkersProvider: Provider = {
  provide: CompileWorkers,
  inject: [PLATFORM],
  useFactory: (platform: Platform) =>
    new CompileWorkers(workerEntry("./compile-worker.js", import.meta.url), {
      threads: COMPILE_THREADS,
      // The executor's VMs: their memory limit, and the stack TASKER_STACK_KIB gives them.
      limits: { memoryBytes: DEFAULT_LIMITS.memoryBytes, stackBytes: platform.config.TASKER_STACK_KIB * 1024 },
      deadlineMs: platform.config.TASKER_COMPILE_MS,
      maxWaiting: MAX_WAITING_CHECKS,
    }),
};
