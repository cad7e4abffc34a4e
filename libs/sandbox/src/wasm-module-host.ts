import { createRequire } from "node:module";
import * as releaseSyncModule from "@jitl/quickjs-wasmfile-release-sync";
import { newQuickJSWASMModuleFromVariant, newVariant, type QuickJSSyncVariant, type QuickJSWASMModule } from "quickjs-emscripten-core";

/** A QuickJS WASM build: its emscripten variant and the path of its `.wasm`, compiled once. */
export type QuickJSBuild = { variant: QuickJSSyncVariant; wasmPath: string };

/** The build tasks run on: quickjs-emscripten's sync release variant, with a separate `.wasm`. */
export function releaseBuild(): QuickJSBuild {
  return { variant: syncVariant(releaseSyncModule), wasmPath: createRequire(import.meta.url).resolve("@jitl/quickjs-wasmfile-release-sync/wasm") };
}

/** The packages are CommonJS-typed but loaded as ESM: their variant is `default` or `default.default`. */
export function syncVariant(imported: unknown): QuickJSSyncVariant {
  return unwrapDefault(imported) as QuickJSSyncVariant;
}

const PAGE = 64 * 1024;
/** The build's own minimum: its memory import declares 256 initial pages. */
const INITIAL_PAGES = 256;

/** Decides, during one activation, whether the WASM memory may grow for the VM that is running. */
export interface GrowthGate {
  allowGrowth(bytes: number): boolean;
}

/**
 * One instance of the QuickJS WASM module, shared by several VMs, with its own `WebAssembly.Memory`
 * whose `maximum` is a hard ceiling. Its `grow` is intercepted so that the VM running at that moment
 * (`running`) can refuse growth beyond its own budget: QuickJS then sees a failed malloc and throws
 * "out of memory", cleanly, instead of the module swelling to 2 GiB.
 */
export class WasmModuleHost {
  running: GrowthGate | undefined;
  liveVms = 0;
  vmsCreated = 0;
  /** Set when the module grew too large to keep or a runtime on it could not be freed cleanly. */
  retired = false;

  private constructor(
    readonly module: QuickJSWASMModule,
    readonly memory: WebAssembly.Memory,
  ) {}

  static async instantiate(variant: QuickJSSyncVariant, compiled: WebAssembly.Module, ceilingBytes: number): Promise<WasmModuleHost> {
    const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: Math.floor(ceilingBytes / PAGE) });
    const module = await newQuickJSWASMModuleFromVariant(newVariant(variant, { wasmModule: compiled, wasmMemory: memory }));
    const host = new WasmModuleHost(module, memory);
    const grow = WebAssembly.Memory.prototype.grow;
    // Emscripten's sbrk calls `wasmMemory.grow` and treats a throw as a failed allocation.
    Object.defineProperty(memory, "grow", {
      value: (pages: number): number => {
        if (host.running !== undefined && !host.running.allowGrowth(pages * PAGE)) {
          throw new RangeError("VM memory budget exhausted");
        }
        return grow.call(memory, pages);
      },
    });
    return host;
  }

  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** On a leak-sanitizer build (the debug variant), whether memory was allocated and lost. */
  leaksDetected(): boolean {
    return this.module.getFFI().QTS_RecoverableLeakCheck() !== 0;
  }
}

function unwrapDefault(value: unknown): unknown {
  let current = value;
  while (typeof current === "object" && current !== null && "default" in current && !("type" in current)) {
    current = (current as { default: unknown }).default;
  }
  return current;
}
