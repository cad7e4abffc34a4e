import { createHash } from "node:crypto";
import { Scope, type QuickJSContext, type QuickJSHandle, type QuickJSRuntime } from "quickjs-emscripten-core";
import type { SandboxLimits } from "./limits.js";
import type { ModuleRegistry } from "./module-registry.js";
import { PRELUDE_SOURCE, type PreludeConfig } from "./prelude.js";
import type { BridgeHandlers } from "./vm-bridge.js";
import { newHostObject } from "./vm-bridge.js";
import type { WasmModuleHost } from "./wasm-module-host.js";

/** A runtime and context with the prelude installed; `scope` owns every handle and frees them in reverse order. */
export type VmParts = {
  scope: Scope;
  runtime: QuickJSRuntime;
  context: QuickJSContext;
  control: { setNow: QuickJSHandle; run: QuickJSHandle; deliver: QuickJSHandle };
};

export type VmSetup = {
  host: WasmModuleHost;
  limits: SandboxLimits;
  registry: ModuleRegistry;
  stackRunId: string;
  handlers: BridgeHandlers;
  shouldInterrupt(): boolean;
};

/**
 * Creates the runtime (limits, interrupt handler, module loader) and context of one VM and runs the
 * prelude in it. On failure everything created so far is disposed before the error propagates.
 */
export function createVmParts(setup: VmSetup): VmParts {
  const scope = new Scope();
  try {
    const runtime = scope.manage(setup.host.module.newRuntime());
    runtime.setMemoryLimit(setup.limits.memoryBytes);
    runtime.setMaxStackSize(setup.limits.stackBytes);
    runtime.setInterruptHandler(() => setup.shouldInterrupt());
    runtime.setModuleLoader(
      (name) => setup.registry.importableSource(name) ?? { error: moduleNotFound(name) },
      // An unknown specifier normalizes to itself so that the loader reports it by name.
      (fromName, specifier) => setup.registry.resolve(specifier, fromName) ?? specifier,
    );
    const context = scope.manage(runtime.newContext());
    const config: PreludeConfig = {
      seed: seedOf(setup.stackRunId),
      taskName: setup.registry.taskName,
      argsBytes: setup.limits.argsBytes,
      resultBytes: setup.limits.resultBytes,
    };
    const control = Scope.withScope((local) => {
      const prelude = local.manage(context.unwrapResult(context.evalCode(PRELUDE_SOURCE, "tasker:prelude")));
      const host = local.manage(newHostObject(context, setup.registry, setup.handlers));
      const configHandle = local.manage(context.unwrapResult(context.evalCode(`(${JSON.stringify(config)})`, "tasker:config")));
      const controlObject = local.manage(context.unwrapResult(context.callFunction(prelude, context.undefined, host, configHandle)));
      return {
        setNow: scope.manage(context.getProp(controlObject, "setNow")),
        run: scope.manage(context.getProp(controlObject, "run")),
        deliver: scope.manage(context.getProp(controlObject, "deliver")),
      };
    });
    return { scope, runtime, context, control };
  } catch (error) {
    scope.dispose();
    throw error;
  }
}

/** 32 bits of SHA-256 of the stack run id: the seed of the VM's `Math.random`. */
function seedOf(stackRunId: string): number {
  return createHash("sha256").update(stackRunId).digest().readInt32LE(0);
}

function moduleNotFound(specifier: string): Error {
  const error = new Error(`Cannot find module '${specifier}'`);
  error.name = "ModuleNotFoundError";
  return error;
}
