import { readFile } from "node:fs/promises";
import { ErrorCodes } from "./error-codes.js";
import type { SandboxLimits } from "./limits.js";
import { SandboxFailure } from "./sandbox-failure.js";
import type { SandboxStats } from "./types.js";
import { WasmModuleHost, type QuickJSBuild } from "./wasm-module-host.js";

/**
 * Owns the WASM module instances. The WASM is compiled once; each instance takes up to
 * `vmsPerModule` VMs and is dropped (its memory returned to the process) once it is retired and its
 * last VM is released. A spare instance is prepared ahead so that starting a VM rarely waits.
 */
export class ModulePool {
  private current: WasmModuleHost | undefined;
  private spare: Promise<WasmModuleHost> | undefined;
  private readonly hosts = new Set<WasmModuleHost>();
  private unfreedVms = 0;
  private disposed = false;
  /** Told when a module is retired (the prepared VMs on it are discarded, so that it can be dropped). */
  onRetired: ((host: WasmModuleHost) => void) | undefined;

  private constructor(
    private readonly build: QuickJSBuild,
    private readonly compiled: WebAssembly.Module,
    private readonly limits: SandboxLimits,
  ) {}

  /** `compiled`: the build's WASM compiled already (a worker is handed the pool's), else compiled here. */
  static async create(build: QuickJSBuild, limits: SandboxLimits, compiled?: WebAssembly.Module): Promise<ModulePool> {
    const pool = new ModulePool(build, compiled ?? (await compileBuild(build)), limits);
    pool.current = await pool.instantiate();
    return pool;
  }

  /**
   * Makes sure the current module has room for one more VM, instantiating a fresh one if needed.
   * `leaseNow` must follow in the same synchronous turn.
   */
  async makeRoom(): Promise<void> {
    if (this.disposed) throw new SandboxFailure(ErrorCodes.sandboxDisposed, "the sandbox was disposed");
    if (this.hasRoom()) return;
    if (this.current !== undefined) this.retire(this.current);
    this.current = undefined;
    // Concurrent callers await the same instance, so that no module is instantiated for nobody.
    const next = (this.spare ??= this.instantiateQuietly());
    try {
      const fresh = await next;
      if (!this.hasRoom()) this.current = fresh;
    } finally {
      // Taken, or failed: either way the next shortage instantiates anew.
      if (this.spare === next) this.spare = undefined;
    }
  }

  hasRoom(): boolean {
    return this.current !== undefined && this.accepts(this.current);
  }

  /** Places one VM on the current module; the caller must `release` it when that VM is disposed. */
  leaseNow(): WasmModuleHost {
    const host = this.current;
    if (host === undefined || !this.accepts(host)) throw new Error("ModulePool.leaseNow without room: call makeRoom first");
    host.liveVms += 1;
    host.vmsCreated += 1;
    if (host.vmsCreated * 2 >= this.limits.vmsPerModule && this.spare === undefined) this.prepareSpare();
    return host;
  }

  /**
   * Returns a VM's place. `freedCleanly` is false when its runtime could not be freed: that module is
   * retired and the VM counted in `stats().unfreedVms`.
   */
  release(host: WasmModuleHost, freedCleanly: boolean): void {
    host.liveVms -= 1;
    if (!freedCleanly) this.unfreedVms += 1;
    // A module whose memory swelled keeps that memory until dropped: stop placing VMs on it, so that
    // the memory returns once the VMs on it end. Small VMs swell one only when most of its VMs are
    // alive at once (suspended): ~200 of ~150 KB fill 32 MiB.
    if (!freedCleanly || host.memoryBytes > swollenBytes(this.limits)) this.retire(host);
    else if (host.retired && host.liveVms === 0) this.drop(host);
  }

  /**
   * Returns the place of a VM whose runtime is left unfreed on purpose: an exception unwound QuickJS's
   * frames mid-way (a host stack overflow), so the module's allocator and stack pointer are in an
   * unknown state. The module is retired; VMs already on it keep running, and it is dropped, that
   * runtime with it, once empty.
   */
  abandon(host: WasmModuleHost): void {
    host.liveVms -= 1;
    this.retire(host);
  }

  retire(host: WasmModuleHost): void {
    const already = host.retired;
    host.retired = true;
    if (!already) this.onRetired?.(host);
    if (host.liveVms === 0) this.drop(host);
  }

  /** Module instances alive, VMs placed on them, and VMs whose runtime could not be freed. */
  stats(): Omit<SandboxStats, "preparedVms"> {
    let liveVms = 0;
    for (const host of this.hosts) liveVms += host.liveVms;
    return { modules: this.hosts.size, liveVms, unfreedVms: this.unfreedVms };
  }

  /** Modules whose leak sanitizer reports lost memory; meaningful only on the debug build. */
  leakingModules(): number {
    return [...this.hosts].filter((host) => host.leaksDetected()).length;
  }

  dispose(): void {
    this.disposed = true;
    for (const host of this.hosts) host.retired = true;
    this.hosts.clear();
    this.current = undefined;
  }

  private accepts(host: WasmModuleHost): boolean {
    return !host.retired && host.vmsCreated < this.limits.vmsPerModule;
  }

  private prepareSpare(): void {
    this.spare = this.instantiateQuietly();
  }

  /** An instance prepared ahead: a failure surfaces when `makeRoom` awaits it, not as an unhandled rejection. */
  private instantiateQuietly(): Promise<WasmModuleHost> {
    const instance = this.instantiate();
    instance.catch(() => undefined);
    return instance;
  }

  private async instantiate(): Promise<WasmModuleHost> {
    const host = await WasmModuleHost.instantiate(this.build.variant, this.compiled, this.limits.moduleMemoryBytes);
    this.hosts.add(host);
    return host;
  }

  private drop(host: WasmModuleHost): void {
    this.hosts.delete(host);
    if (this.current === host) this.current = undefined;
  }
}

/** Compiles a build's WASM (tens of milliseconds: do it once per process and share the module). */
export async function compileBuild(build: QuickJSBuild): Promise<WebAssembly.Module> {
  return WebAssembly.compile(await readFile(build.wasmPath));
}

/**
 * Module memory past which a module is retired: half a VM's budget (32 MiB by default; WASM memory
 * never shrinks, so a module that grew keeps that until dropped), at most half the module's ceiling.
 */
function swollenBytes(limits: SandboxLimits): number {
  return Math.min(limits.moduleMemoryBytes / 2, limits.memoryBytes / 2);
}
