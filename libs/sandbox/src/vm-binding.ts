import type { ModuleRegistry } from "./module-registry.js";
import { ErrorCodes } from "./error-codes.js";
import { SandboxFailure } from "./sandbox-failure.js";
import type { SandboxError } from "./types.js";
import type { BridgeHandlers } from "./vm-bridge.js";

/** What a run supplies to the VM it is bound to. */
export interface BoundRun extends BridgeHandlers {
  readonly registry: ModuleRegistry;
  shouldInterrupt(): boolean;
}

/**
 * The indirection between a VM's host callbacks and the run it serves: a VM is created (and its
 * prelude compiled) before its run is known, and bound once, when a run takes it.
 */
export class VmBinding implements BridgeHandlers {
  private run: BoundRun | undefined;

  bind(run: BoundRun): void {
    this.run = run;
  }

  get registry(): ModuleRegistry {
    return this.bound().registry;
  }

  call(serviceJson: string, methodJson: string, argsJson: string): number | SandboxError {
    return this.bound().call(serviceJson, methodJson, argsJson);
  }

  log(level: string, message: string, cutShort: boolean): boolean {
    return this.bound().log(level, message, cutShort);
  }

  finish(ok: boolean, json: string | undefined): void {
    this.bound().finish(ok, json);
  }

  compiling(active: boolean): void {
    this.run?.compiling(active);
  }

  /** Before a run is bound only the prelude runs: there is no activation to fail. */
  hostStackOverflow(error: RangeError): void {
    this.run?.hostStackOverflow(error);
  }

  /** Before a run is bound no task code runs, so there is nothing to interrupt. */
  shouldInterrupt(): boolean {
    return this.run?.shouldInterrupt() ?? false;
  }

  private bound(): BoundRun {
    if (this.run === undefined) throw new SandboxFailure(ErrorCodes.vmNotBound, "the VM is not bound to a run yet");
    return this.run;
  }
}
