import { newQuickJSWASMModuleFromVariant, type QuickJSWASMModule } from "quickjs-emscripten-core";
import { isHostStackOverflow } from "./host-trap.js";
import { DEFAULT_LIMITS } from "./limits.js";
import { commonJsWrapper, isEsModule } from "./module-registry.js";
import { releaseBuild } from "./wasm-module-host.js";

/** Why QuickJS could not compile a module: the 1-based line it names (1 when it names none) and its message. */
export interface CompileProblem {
  readonly line: number;
  readonly message: string;
}

/**
 * Compiles task code with QuickJS as a VM would load it — an ES module as written, CommonJS in its
 * wrapper — without running it, each compile in a fresh runtime with the sandbox's memory and stack
 * limits. The compiler is synchronous and cannot be interrupted: run it where a deadline can stop the
 * thread (a worker).
 */
export interface TaskCompiler {
  /** The problem, or `undefined` when the code compiles; `name` is the module name QuickJS reports. */
  compile(code: string, name: string): CompileProblem | undefined;
  /**
   * Set once the host's stack overflowed inside QuickJS (code nested too deeply): the module's state
   * is unknown and this compiler must not be used again.
   */
  readonly spent: boolean;
}

/** A compiler on its own instance of the QuickJS module the sandbox runs tasks on. */
export async function createTaskCompiler(limits: { memoryBytes: number; stackBytes: number } = DEFAULT_LIMITS): Promise<TaskCompiler> {
  return new TaskCompilerImpl(await newQuickJSWASMModuleFromVariant(releaseBuild().variant), limits);
}

class TaskCompilerImpl implements TaskCompiler {
  spent = false;

  constructor(
    private readonly module: QuickJSWASMModule,
    private readonly limits: { memoryBytes: number; stackBytes: number },
  ) {}

  compile(code: string, name: string): CompileProblem | undefined {
    if (this.spent) throw new Error("this compiler's QuickJS module was left in an unknown state; create another");
    const runtime = this.module.newRuntime();
    try {
      runtime.setMemoryLimit(this.limits.memoryBytes);
      runtime.setMaxStackSize(this.limits.stackBytes);
      const context = runtime.newContext();
      try {
        const compiled = isEsModule(code)
          ? context.evalCode(code, name, { type: "module", compileOnly: true })
          : context.evalCode(commonJsWrapper(code), name, { type: "global", compileOnly: true });
        if (compiled.error === undefined) {
          compiled.value.dispose();
          return undefined;
        }
        return compiled.error.consume((error) => problemOf(context.dump(error)));
      } finally {
        context.dispose();
      }
    } catch (error) {
      if (!isHostStackOverflow(error)) throw error;
      this.spent = true;
      return { line: 1, message: "the code is nested too deeply to compile" };
    } finally {
      if (!this.spent) runtime.dispose();
    }
  }
}

/**
 * The problem QuickJS threw, or `undefined` when it threw no error at all: this build's compile-only
 * path sometimes reports an exception without one for a module that compiles and runs (`export
 * default async (input) => input` named `identity`, depending on the name and the code), so only a
 * thrown error is taken as a verdict; the executor still compiles what this lets through.
 */
function problemOf(thrown: unknown): CompileProblem | undefined {
  if (typeof thrown !== "object" || thrown === null || typeof (thrown as { message?: unknown }).message !== "string") return undefined;
  const { name, message, lineNumber } = thrown as { name?: unknown; message: string; lineNumber?: unknown };
  return {
    line: typeof lineNumber === "number" && lineNumber >= 1 ? lineNumber : 1,
    // QuickJS's own words; a failure other than a syntax error (out of memory) says which.
    message: name === "SyntaxError" || typeof name !== "string" ? message : `${name}: ${message}`,
  };
}
