import { workerEntry } from "@tasker/sandbox";
import { DEFAULT_LIMITS } from "@tasker/sandbox";
import { afterEach, describe, expect, it } from "vitest";
import { CompileBusyError, CompileWorkers } from "./compile-workers.js";

const entry = workerEntry("./compile-worker.js", import.meta.url);
const limits = { memoryBytes: DEFAULT_LIMITS.memoryBytes, stackBytes: DEFAULT_LIMITS.stackBytes };
/** Code whose check takes seconds: far past the deadlines below. */
const SLOW = `${Array.from({ length: 40_000 }, (_, i) => `let v${i} = ${i};`).join("\n")}\nexport default async function () {}`;

describe("CompileWorkers", () => {
  let workers: CompileWorkers | undefined;
  afterEach(async () => {
    await workers?.close();
  });

  it("answers a check's block comments, or its problem with the line", async () => {
    workers = new CompileWorkers(entry, { threads: 1, limits, deadlineMs: 5000, maxWaiting: 4 });
    await expect(workers.check("/** @task */\nmodule.exports = async function () {};", "a")).resolves.toEqual({ blockComments: ["* @task "] });
    await expect(workers.check("export default 1;\nconst = 2;", "b")).resolves.toEqual({ error: { line: 2, message: "Unexpected token" } });
  });

  it("stops a check at its deadline, counted from when a thread takes it, and refuses checks past maxWaiting", async () => {
    workers = new CompileWorkers(entry, { threads: 1, limits, deadlineMs: 300, maxWaiting: 3 });
    const started = performance.now();
    const checks = [workers.check(SLOW, "s0"), workers.check(SLOW, "s1"), workers.check("export default 1;", "quick")];
    await expect(workers.check(SLOW, "s3")).rejects.toBeInstanceOf(CompileBusyError);
    const [first, second, quick] = await Promise.all(checks);
    expect(first).toEqual({ timeLimitMs: 300 });
    expect(second).toEqual({ timeLimitMs: 300 });
    expect(quick).toEqual({ blockComments: [] });
    // The second's deadline began only when the first's thread was replaced.
    expect(performance.now() - started).toBeGreaterThanOrEqual(600);
  });
});
