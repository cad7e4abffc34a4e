import type { QuickJSContext, QuickJSHandle, VmCallResult } from "quickjs-emscripten-core";
import { isHostStackOverflow } from "./host-trap.js";
import { PRELUDE_FILE_NAME } from "./prelude-name.js";
import { PRELUDE_PARTS, type PreludePart } from "./prelude.js";
import { commonJsWrapper, isEsModule, type ModuleRegistry } from "./module-registry.js";
import type { SandboxError } from "./types.js";

/** What the VM asks of the host; every argument arrives as a string the prelude produced. */
export interface BridgeHandlers {
  /**
   * Registers a call (service name and method path as JSON, arguments as JSON) and returns its seq, or
   * the error its promise rejects with (the task may catch it); throws when the VM may make no more
   * calls at all.
   */
  call(serviceJson: string, methodJson: string, argsJson: string): number | SandboxError;
  /**
   * A line the task logged, at the level the prelude named; `cutShort` when the prelude cut it to its
   * bound. Returns whether the VM may send another line in this activation.
   */
  log(level: string, message: string, cutShort: boolean): boolean;
  /** The task settled: its result JSON (`undefined` for `undefined`) or its error record JSON. */
  finish(ok: boolean, json: string | undefined): void;
  /**
   * The host's own stack overflowed inside a host function. The task would see only a catchable error,
   * but a trap in a nested QuickJS call (a module's evaluation) leaves the module's state unknown.
   */
  hostStackOverflow(error: RangeError): void;
  /**
   * QuickJS is about to compile a module (`true`), or returned from loading one (`false`): no
   * interrupt check reaches the host while it compiles.
   */
  compiling(active: boolean): void;
}

/**
 * Builds the `host` object handed to the prelude. The caller owns the returned handle; the functions
 * it holds are owned by the object. Besides the handlers, `part(name)` compiles a part of the prelude
 * (`PRELUDE_PARTS`) in the VM and returns its function, or throws what compiling it threw in the VM.
 */
export function newHostObject(context: QuickJSContext, handlers: BridgeHandlers & { readonly registry: ModuleRegistry }): QuickJSHandle {
  const str = (handle: QuickJSHandle): string => context.getString(handle);
  const optionalStr = (handle: QuickJSHandle | undefined): string | undefined =>
    handle === undefined || context.typeof(handle) !== "string" ? undefined : context.getString(handle);

  const functions: Record<string, (...args: QuickJSHandle[]) => QuickJSHandle | VmCallResult<QuickJSHandle> | undefined> = {
    call: (service, method, args) => {
      const seq = handlers.call(str(service!), str(method!), str(args!));
      return typeof seq === "number" ? context.newNumber(seq) : context.newString(JSON.stringify(seq));
    },
    log: (level, message, cutShort) => {
      return handlers.log(str(level!), JSON.parse(str(message!)) as string, context.dump(cutShort!) === true) ? context.true : context.false;
    },
    finish: (ok, json) => {
      handlers.finish(context.dump(ok!) === true, optionalStr(json));
      return undefined;
    },
    resolve: (specifier, fromName) => {
      const name = handlers.registry.resolve(str(specifier!), str(fromName!));
      return name === undefined ? undefined : context.newString(name);
    },
    part: (name) => {
      const result = context.evalCode(preludePart(str(name!)), PRELUDE_FILE_NAME);
      return result.error === undefined ? result.value : { error: result.error };
    },
    load: (name) => {
      handlers.compiling(true);
      try {
        return loadModule(context, handlers.registry, str(name!));
      } finally {
        handlers.compiling(false);
      }
    },
  };
  const host = context.newObject();
  for (const [name, fn] of Object.entries(functions)) {
    const reporting = (...args: QuickJSHandle[]): QuickJSHandle | VmCallResult<QuickJSHandle> | undefined => {
      try {
        return fn(...args);
      } catch (error) {
        if (isHostStackOverflow(error)) handlers.hostStackOverflow(error);
        throw error;
      }
    };
    context.newFunction(name, reporting).consume((handle) => context.setProp(host, name, handle));
  }
  return host;
}

/**
 * Compiles a module for the prelude's `require`: `{kind: "esm", value: namespace}`,
 * `{kind: "cjs", value: factory}`, or `{error, code}` when it does not compile.
 */
function loadModule(context: QuickJSContext, registry: ModuleRegistry, name: string): QuickJSHandle {
  const code = registry.code(name);
  const record = context.newObject();
  if (code === undefined) {
    setString(context, record, "error", `module '${name}' was never resolved`);
    setString(context, record, "code", "MODULE_NOT_FOUND");
    return record;
  }
  const esm = isEsModule(code);
  const result = esm ? context.evalCode(code, name, { type: "module" }) : context.evalCode(commonJsWrapper(code), name);
  if (result.error !== undefined) {
    const thrown = result.error.consume((error) => context.dump(error) as { message?: unknown; name?: unknown });
    setString(context, record, "error", `${String(thrown?.name ?? "Error")}: ${String(thrown?.message ?? thrown)} (in module '${name}')`);
    setString(context, record, "code", LOAD_ERROR_CODES[String(thrown?.name)] ?? "MODULE_INIT_FAILED");
    return record;
  }
  setString(context, record, "kind", esm ? "esm" : "cjs");
  result.value.consume((value) => context.setProp(record, "value", value));
  return record;
}

/** The source of a part of the prelude; a name the prelude never asks for is a bug of ours. */
function preludePart(name: string): string {
  if (!Object.hasOwn(PRELUDE_PARTS, name)) throw new Error(`no part of the prelude is named ${JSON.stringify(name)}`);
  return PRELUDE_PARTS[name as PreludePart];
}

const LOAD_ERROR_CODES: Record<string, string> = { SyntaxError: "SYNTAX_ERROR", ModuleNotFoundError: "MODULE_NOT_FOUND" };

function setString(context: QuickJSContext, target: QuickJSHandle, key: string, value: string): void {
  context.newString(value).consume((handle) => context.setProp(target, key, handle));
}
