import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import type { SandboxLimits } from "./limits.js";
import type { SandboxStats } from "./types.js";
import { WasmModuleHost } from "./wasm-module-host.js";

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

  private constructor(
    private readonly compiled: WebAssembly.Module,
    private readonly limits: SandboxLimits,
  ) {}

  static async create(limits: SandboxLimits): Promise<ModulePool> {
    const wasmPath = createRequire(import.meta.url).resolve("@jitl/quickjs-wasmfile-release-sync/wasm");
    const pool = new ModulePool(await WebAssembly.compile(await readFile(wasmPath)), limits);
    pool.current = await pool.instantiate();
    return pool;
  }

  /** A module with room for one more VM; the caller must `release` it when that VM is disposed. */
  async lease(): Promise<WasmModuleHost> {
    let host = this.current;
    if (host === undefined || !this.accepts(host)) {
      if (host !== undefined) this.retire(host);
      host = await (this.spare ?? this.instantiate());
      this.spare = undefined;
      this.current = host;
    }
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
    if (!freedCleanly) {
      host.retired = true;
      this.unfreedVms += 1;
    }
    // A module whose memory swelled keeps that memory until dropped: stop placing VMs on it.
    if (host.memoryBytes > this.limits.moduleMemoryBytes / 2) host.retired = true;
    if (host.retired && host.liveVms === 0) this.drop(host);
  }

  retire(host: WasmModuleHost): void {
    host.retired = true;
    if (host.liveVms === 0) this.drop(host);
  }

  /** Module instances alive, VMs placed on them, and VMs whose runtime could not be freed. */
  stats(): SandboxStats {
    let liveVms = 0;
    for (const host of this.hosts) liveVms += host.liveVms;
    return { modules: this.hosts.size, liveVms, unfreedVms: this.unfreedVms };
  }

  dispose(): void {
    for (const host of this.hosts) host.retired = true;
    this.hosts.clear();
    this.current = undefined;
  }

  private accepts(host: WasmModuleHost): boolean {
    return !host.retired && host.vmsCreated < this.limits.vmsPerModule;
  }

  private prepareSpare(): void {
    const spare = this.instantiate();
    // Surfaced when the spare is awaited in `lease`; not an unhandled rejection meanwhile.
    spare.catch(() => undefined);
    this.spare = spare;
  }

  private async instantiate(): Promise<WasmModuleHost> {
    const host = await WasmModuleHost.instantiate(this.compiled, this.limits.moduleMemoryBytes);
    this.hosts.add(host);
    return host;
  }

  private drop(host: WasmModuleHost): void {
    this.hosts.delete(host);
    if (this.current === host) this.current = undefined;
  }
}
