import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import swc from "unplugin-swc";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

// swc, not esbuild/oxc: NestJS injection and TypeORM need emitted decorator metadata.
const compiler = swc.vite({
  jsc: {
    target: "es2023",
    parser: { syntax: "typescript", decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
  },
});

const exclude = ["**/node_modules/**", "**/dist/**"];

export default defineConfig({
  plugins: [compiler],
  resolve: {
    alias: [
      { find: /^@tasker\/(executor|gateway|stack-processor|keystore|gapi-proxy|openai-proxy|database-proxy|timers|websearch-proxy)$/, replacement: `${root}services/$1/src/index.ts` },
      { find: /^@tasker\/([\w-]+)$/, replacement: `${root}libs/$1/src/index.ts` },
    ],
  },
  test: {
    // At least two files at once: an end-to-end file mostly waits on its services, and one at a time
    // the suite took 21 minutes on a 2-core machine (vitest's default there is one).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      { extends: true, test: { name: "unit", include: ["**/*.unit.spec.ts"], exclude } },
      {
        extends: true,
        test: { name: "int", include: ["**/*.int.spec.ts"], exclude, testTimeout: 60_000, hookTimeout: 60_000 },
      },
      {
        extends: true,
        test: { name: "e2e", include: ["**/*.e2e.spec.ts"], exclude, testTimeout: 120_000, hookTimeout: 120_000 },
      },
    ],
  },
});
