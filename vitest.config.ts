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
    // One file at a time (vitest's default on 2 cores): the suite is CPU-bound, and two files at once
    // saved little while timing-bound tests failed beside another file. A worker keeps the modules it
    // imported for the next file: importing the workspace afresh for each file was a fifth of the
    // suite's time. No test file changes a module's state for another.
    isolate: false,
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
