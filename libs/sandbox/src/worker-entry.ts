/**
 * The file a worker thread runs: `relative` (a `.js` name) next to the module at `moduleUrl`, that is
 * its compiled JavaScript in the package's `dist`. When that module runs from its TypeScript source
 * (the tests run sources), the same file of the build: the last `/src/` of the path becomes `/dist/`,
 * so the build must be current.
 */
export function workerEntry(relative: string, moduleUrl: string): URL {
  const entry = new URL(relative, moduleUrl);
  if (!moduleUrl.endsWith(".ts")) return entry;
  return new URL(entry.href.replace(/\/src\/(?!.*\/src\/)/, "/dist/"));
}
