/** A module's code at the version a stack run loaded. */
export interface PinnedModule {
  version: string;
  code: string;
}

/**
 * The helper modules one stack run loads. The versions first loaded in an activation are recorded
 * with it (`vm.suspended.modules`); a replay is given them as `pinned`, so it loads the same code
 * even after a republish, as the task's own code is pinned by its version.
 */
export class ModuleUse {
  private fresh: Record<string, string> = {};

  constructor(
    /** The latest published version of a module (the task catalog's). */
    private readonly latest: (name: string) => PinnedModule | undefined,
    private readonly pinned: ReadonlyMap<string, PinnedModule> = new Map(),
  ) {}

  /** The code of module `name` for this run: its pinned version, else the latest (then noted as fresh). */
  readonly lookup = (name: string): { name: string; code: string } | undefined => {
    const pinned = this.pinned.get(name);
    if (pinned) return { name, code: pinned.code };
    const latest = this.latest(name);
    if (latest) this.fresh[name] = latest.version;
    return latest && { name, code: latest.code };
  };

  /** The modules first loaded since the last call, name → version; undefined when none. */
  takeFresh(): Record<string, string> | undefined {
    const fresh = this.fresh;
    this.fresh = {};
    return Object.keys(fresh).length > 0 ? fresh : undefined;
  }
}
