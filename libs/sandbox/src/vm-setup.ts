import { Scope, type QuickJSContext, type QuickJSHandle, type QuickJSRuntime } from "quickjs-emscripten-core";
import type { SandboxLimits } from "./limits.js";
import { PRELUDE_SOURCE, preludeSettings } from "./prelude.js";
import { newHostObject } from "./vm-bridge.js";
import { VmBinding } from "./vm-binding.js";
import type { WasmModuleHost } from "./wasm-module-host.js";
import { PRELUDE_FILE_NAME } from "./prelude-name.js";

/**
 * A runtime and context with the prelude installed, not yet bound to a run. `scope` owns every
 * handle and frees them in reverse order; `host` is the module it was leased on.
 */
export type PreparedVm = {
  host: WasmModuleHost;
  binding: VmBinding;
  scope: Scope;
  runtime: QuickJSRuntime;
  context: QuickJSContext;
  /** The prelude's entry points, and `logState`: `{open, dropped}`, the lines the VM dropped this activation. */
  control: { configure: QuickJSHandle; setNow: QuickJSHandle; run: QuickJSHandle; deliver: QuickJSHandle; logState: QuickJSHandle };
};

/**
 * Creates the runtime (limits, interrupt handler, module loader) and context of one VM and runs the
 * prelude in it. On failure everything created so far is disposed before the error propagates.
 */
export function prepareVm(host: WasmModuleHost, limits: SandboxLimits): PreparedVm {
  const binding = new VmBinding();
  const scope = new Scope();
  try {
    const runtime = scope.manage(host.module.newRuntime());
    runtime.setMemoryLimit(limits.memoryBytes);
    runtime.setMaxStackSize(limits.stackBytes);
    runtime.setInterruptHandler(() => binding.shouldInterrupt());
    runtime.setModuleLoader(
      (name) => {
        // QuickJS compiles the source once this returns; its next interrupt check ends the mark.
        binding.compiling(true);
        return binding.registry.importableSource(name) ?? { error: moduleNotFound(name) };
      },
      // An unknown specifier normalizes to itself so that the loader reports it by name.
      (fromName, specifier) => binding.registry.resolve(specifier, fromName) ?? specifier,
    );
    const context = scope.manage(runtime.newContext());
    const control = Scope.withScope((local) => {
      const prelude = local.manage(context.unwrapResult(context.evalCode(PRELUDE_SOURCE, PRELUDE_FILE_NAME)));
      const hostObject = local.manage(newHostObject(context, binding));
      const settings = local.manage(context.newString(preludeSettings(limits)));
      const controlObject = local.manage(context.unwrapResult(context.callFunction(prelude, context.undefined, hostObject, settings)));
      const method = (name: string) => scope.manage(context.getProp(controlObject, name));
      return { configure: method("configure"), setNow: method("setNow"), run: method("run"), deliver: method("deliver"), logState: method("logState") };
    });
    return { host, binding, scope, runtime, context, control };
  } catch (error) {
    scope.dispose();
    throw error;
  }
}

function moduleNotFound(specifier: string): Error {
  const error = new Error(`Cannot find module '${specifier}'`);
  error.name = "ModuleNotFoundError";
  return error;
}
