import { TaskerSystem } from "@tasker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * Inputs any user can write that once made a run hang forever (the executor could not record what the
 * task did, and the message was retried and republished for good). Each now ends the run, or the
 * call, with a clear code.
 */
const POISONS: Record<string, { code: string | RegExp; body: string }> = {
  "error-message-nul": { code: "TASK_ERROR", body: `throw new Error("bad\\u0000news");` },
  "error-code-nul": { code: "C\u0000", body: `const e = new Error("x"); e.code = "C\\u0000"; throw e;` },
  "error-code-empty": { code: "TASK_ERROR", body: `const e = new Error("empty code"); e.code = ""; throw e;` },
  "error-message-huge": { code: "ERROR_TOO_LARGE", body: `throw new Error("m".repeat(2_000_000));` },
  "error-shifting-getters": {
    code: "TASK_ERROR",
    body: `const reads = { name: 0, message: 0, code: 0, stack: 0 };
      const shifty = (field, value) => () => (reads[field]++ === 0 ? {} : value);
      const error = {};
      for (const field of Object.keys(reads)) Object.defineProperty(error, field, { get: shifty(field, field === "code" ? "SHIFTED" : "text") });
      throw error;`,
  },
  "call-task-name-nul": { code: "INVALID_ARGUMENT", body: `return tools.tasks.execute("echo\\u0000", {});` },
  "call-task-name-lone-surrogate": { code: "INVALID_ARGUMENT", body: `return tools.tasks.execute("echo" + String.fromCharCode(0xdc00), {});` },
  "call-empty-method": { code: "INVALID_ARGUMENT", body: `return __callHostTool__("gapi", [""], []);` },
  "result-3000-deep": { code: "STACK_LIMIT", body: `let v = 0; for (let i = 0; i < 3000; i++) v = [v]; return v;` },
  // Uncaught, QuickJS's own stack check (a worker thread's host stack is deep enough for it to come first).
  "eval-nesting": { code: "STACK_LIMIT", body: `(0, eval)("(".repeat(20000) + "1" + ")".repeat(20000)); return "evaluated";` },
};

let tasker: TaskerSystem;

beforeAll(async () => {
  tasker = await TaskerSystem.start();
  await tasker.publishExamples("echo");
  for (const [name, { body }] of Object.entries(POISONS)) {
    await tasker.publish(`poison-${name}`, `module.exports = async function (input, { tools }) { ${body} };`);
  }
});

afterAll(async () => {
  await tasker?.stop();
});

const names = Object.keys(POISONS);

describe("runs whose outcome could not be recorded", () => {
  it.each(names)("%s ends failed with its code", async (name) => {
    const run = await tasker.run(`poison-${name}`, {});
    expect(run.status).toBe("failed");
    expect(run.error?.code).toMatch(POISONS[name]!.code);
    expect(run.error?.message.length).toBeGreaterThan(0);
  });

  it("ends 100 poison runs submitted together within 60 s, while a normal run among them completes within 5 s", async () => {
    const started = Date.now();
    const poisoned = await Promise.all(Array.from({ length: 100 }, (_, i) => tasker.submit(`poison-${names[i % names.length]}`, { i })));
    const normalSubmitted = Date.now();
    const normal = await tasker.run("echo", { among: "poison" });
    expect(normal).toMatchObject({ status: "completed", result: { echo: { among: "poison" } } });
    expect(Date.now() - normalSubmitted).toBeLessThan(5000);
    const runs = await Promise.all(poisoned.map((taskRunId) => tasker.result(taskRunId, 60)));
    expect(Date.now() - started).toBeLessThan(60_000);
    runs.forEach((run, i) => {
      expect(run.status).toBe("failed");
      expect(run.error?.code).toMatch(POISONS[names[i % names.length]!]!.code);
    });
  });
});
