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

/**
 * Files that bound a time or a resource (the API answers within 2 s beside hostile tasks, a sleep
 * wakes within 3 s, the executor gives its memory back...): they run one at a time after the rest,
 * with the machine to themselves. The rest run two files at once.
 */
const timed = [
  "e2e/src/{chaos,crash-recovery,fair-shares,gapi-failover,hostile-cpu,hostile-memory,openai-failover,poison-runs,signals,sleep,submit-and-wait,timeouts,timers-load}.e2e.spec.ts",
  "libs/bus/src/stalled-consumers.int.spec.ts",
  "libs/run-model/src/run-tree.unit.spec.ts",
  "libs/sandbox/src/{fair-queue,limits,log-bounds,sandbox-pool}.unit.spec.ts",
  "services/gapi-proxy/src/classify-gapi-error.int.spec.ts",
  "services/gateway/src/task-functions/compile-check.int.spec.ts",
  "services/gateway/src/tasks/{result-wait,run-tree,submit-wait}.int.spec.ts",
  "services/timers/src/{metrics-stalled-database,retention/retention-service}.int.spec.ts",
  "services/websearch-proxy/src/websearch-methods.int.spec.ts",
];
const exclude = ["**/node_modules/**", "**/dist/**"];
const excludeTimed = [...exclude, ...timed];

export default defineConfig({
  plugins: [compiler],
  resolve: {
    alias: [
      { find: /^@tasker\/(executor|gateway|stack-processor|keystore|gapi-proxy|openai-proxy|database-proxy|timers|websearch-proxy)$/, replacement: `${root}services/$1/src/index.ts` },
      { find: /^@tasker\/([\w-]+)$/, replacement: `${root}libs/$1/src/index.ts` },
    ],
  },
  test: {
    maxWorkers: 2,
    // A worker keeps the modules it imported for its next file: importing the workspace afresh for
    // each file was a third of the suite's time. No test file changes a module's state for another.
    isolate: false,
    projects: [
      { extends: true, test: { name: "unit", include: ["**/*.unit.spec.ts"], exclude: excludeTimed } },
      {
        extends: true,
        test: { name: "int", include: ["**/*.int.spec.ts"], exclude: excludeTimed, testTimeout: 60_000, hookTimeout: 60_000 },
      },
      {
        extends: true,
        test: { name: "e2e", include: ["**/*.e2e.spec.ts"], exclude: excludeTimed, testTimeout: 120_000, hookTimeout: 120_000 },
      },
      // One worker, in a later group: vitest runs these after every other project, one by one.
      {
        extends: true,
        test: { name: "timed", include: timed, exclude, maxWorkers: 1, sequence: { groupOrder: 1 }, testTimeout: 120_000, hookTimeout: 120_000 },
      },
    ],
  },
});
