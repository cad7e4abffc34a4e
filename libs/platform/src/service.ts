import type { Platform } from "./platform.js";

/** A service running in this process; `close()` stops taking work and finishes what it took. */
export interface RunningService {
  readonly name: string;
  close(): Promise<void>;
}

/** How `tasker start <name>` and `tasker dev` start a service on a shared platform. */
export interface ServiceDefinition {
  readonly name: string;
  start(platform: Platform): Promise<RunningService>;
}
