import { posix } from "node:path";
import type { TaskSource } from "./types.js";

/**
 * Resolves a helper-module specifier (`./x`, `../shared/gapi-helper`, `shared/gapi-helper.js`)
 * against published task names: relative to the importing module's folder, clamped at the root (the
 * seed's tasks wrote `../shared/...` from the top folder), without a `.js` ending.
 */
export function candidateNames(specifier: string, fromName: string): string[] {
  const bare = specifier.replace(/\.(c|m)?js$/, "");
  const relative = posix.normalize(posix.join(posix.dirname(fromName), bare)).replace(/^(\.\.\/)+/, "");
  const fromRoot = posix.normalize(bare).replace(/^(\.\.?\/)+/, "");
  return [...new Set([relative, fromRoot])];
}

export function taskSource(code: string, lookup: (name: string) => { name: string; code: string } | undefined): TaskSource {
  return {
    code,
    resolveModule(specifier, fromName) {
      for (const name of candidateNames(specifier, fromName)) {
        const found = lookup(name);
        if (found) return found;
      }
      return undefined;
    },
  };
}
