import type { TaskSource } from "./types.js";

/**
 * The modules one VM can load, by resolved name: the task itself under its task name, and every helper
 * the `TaskSource` resolved for it. Resolution is sync and cached so that replay sees the same code.
 */
export class ModuleRegistry {
  private readonly sources = new Map<string, string>();

  constructor(
    private readonly source: TaskSource,
    readonly taskName: string,
  ) {
    this.sources.set(taskName, source.code);
  }

  /** The resolved name of `specifier` imported from module `fromName`, or `undefined` if unknown. */
  resolve(specifier: string, fromName: string): string | undefined {
    const found = this.source.resolveModule(specifier, fromName);
    if (found === undefined) return undefined;
    this.sources.set(found.name, found.code);
    return found.name;
  }

  code(name: string): string | undefined {
    return this.sources.get(name);
  }

  /**
   * ES module source for QuickJS's `import`: an ES module as written, a CommonJS module wrapped so that
   * its `module.exports` is the default export.
   */
  importableSource(name: string): string | undefined {
    const code = this.sources.get(name);
    if (code === undefined || isEsModule(code)) return code;
    return `export default globalThis.__loadResolvedModule__(${JSON.stringify(name)});`;
  }
}

/** ES module syntax at the start of a line means an ES module; anything else is CommonJS. */
export function isEsModule(code: string): boolean {
  return /^\s*(export\s|export\{|import\s*[\w{*"'])/m.test(code);
}

/**
 * CommonJS code as a factory `(exports, require, module)`, opened on the code's first line so that
 * line numbers hold; `0 ||` rather than parentheses spares QuickJS an arrow-function lookahead over
 * the whole module.
 */
export function commonJsWrapper(code: string): string {
  return `0 || function (exports, require, module) {${code}\n}`;
}
