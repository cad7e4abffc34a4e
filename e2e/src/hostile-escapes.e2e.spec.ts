import { TaskerSystem } from "@tasker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The escapes an attacker tries first, through the whole system (the sandbox's own tests try them
 * on one VM: `libs/sandbox/src/isolation.unit.spec.ts`), and hostile values a task hands over.
 */
const TASKS: Record<string, string> = {
  "reach-host": `module.exports = async function () {
    const attempt = (f) => { try { const v = f(); return v === undefined ? "undefined" : typeof v; } catch (e) { return e.code || e.name; } };
    return {
      process: typeof process,
      fs: attempt(() => require("fs")),
      childProcess: attempt(() => require("child_process")),
      nodeFs: attempt(() => require("node:fs")),
      constructorChain: attempt(() => globalThis.constructor.constructor("return process")()),
      globalThisChain: attempt(() => Function("return this")().process),
    };
  };`,
  "require-child-process": `module.exports = async () => require("child_process").execSync("id").toString();`,
  // Pollutes everything it can reach, then stays suspended while other runs go on.
  polluter: `module.exports = async function (input, { tools }) {
    Object.prototype.polluted = "yes";
    Array.prototype.polluted = "yes";
    Object.prototype.taskRunId = "forged";
    JSON.parse = () => ({ polluted: "yes" });
    await tools.sleep(input.ms);
    return { own: "value" };
  };`,
  probe: `module.exports = async () => [typeof ({}).polluted, typeof [].polluted, typeof ({}).taskRunId, JSON.parse('{"a":1}').a];`,
  // What a task sees of errors the system makes: messages and stacks.
  "collect-errors": `module.exports = async function (input, { tools }) {
    const seen = [];
    const keep = (e) => seen.push(String(e && e.message), String(e && e.stack));
    for (const attempt of [
      () => tools.tasks.execute("no-such-task", {}),
      () => tools.tasks.execute("", {}),
      () => tools.sleep("soon"),
      () => tools.keystore.get("no-such-secret"),
      () => tools.nope.read(),
      () => __callHostTool__("tasks", ["execute"], ["x".repeat(300), {}]),
      () => require("../../../etc/passwd"),
      () => (0, eval)("let let = ;"),
      () => { function down() { down(); } down(); },
    ]) {
      try { await attempt(); } catch (e) { keep(e); }
    }
    return seen;
  };`,
  // Hostile values handed over, beyond those other specs cover (error-shape, poison-runs, call-boundary, values-as-written).
  "throw-odd-string": `module.exports = async () => { throw "a\\u0000b" + String.fromCharCode(0xd800) + "c"; };`,
  "throw-huge-string": `module.exports = async () => { throw "x".repeat(2e6); };`,
  "throw-revoked-proxy": `module.exports = async () => { const { proxy, revoke } = Proxy.revocable({}, {}); revoke(); throw proxy; };`,
  "result-huge-to-json": `module.exports = async () => ({ toJSON: () => "x".repeat(2e6) });`,
  "result-revoked-proxy": `module.exports = async () => { const { proxy, revoke } = Proxy.revocable({}, {}); revoke(); return { inner: proxy }; };`,
  "result-throwing-to-json": `module.exports = async () => ({ toJSON() { throw new RangeError("no JSON for you"); } });`,
  "uncaught-unknown-task": `module.exports = async (input, { tools }) => tools.tasks.execute("no-such-task", {});`,
};

/** What would tell an attacker about the host: its paths, its sources, its database. */
const HOST_DETAILS = /\/work\/|\/home\/|\/usr\/|\/tmp\/|node_modules|file:\/\/|\.[cm]?[jt]s:\d|\(node:|\bSELECT\b|\bINSERT\b|\bUPDATE\b|relation "|duplicate key|violates|postgres|pg_|typeorm|quickjs/i;

let tasker: TaskerSystem;

beforeAll(async () => {
  tasker = await TaskerSystem.start({ TASKER_MASTER_KEY: Buffer.alloc(32, 7).toString("base64") });
  await tasker.publishExamples("echo");
  for (const [name, code] of Object.entries(TASKS)) await tasker.publish(name, code);
});

afterAll(async () => {
  await tasker?.stop();
});

describe("escapes that hold", () => {
  it("gives a task no process, no host require and nothing of the host through constructor chains", async () => {
    const run = await tasker.run("reach-host", {});
    expect(run.result).toEqual({
      process: "undefined",
      fs: "MODULE_NOT_FOUND",
      childProcess: "MODULE_NOT_FOUND",
      nodeFs: "MODULE_NOT_FOUND",
      constructorChain: "ReferenceError",
      globalThisChain: "undefined",
    });
    const uncaught = await tasker.run("require-child-process", {});
    expect(uncaught).toMatchObject({ status: "failed", error: { code: "MODULE_NOT_FOUND" } });
    expect(JSON.stringify(uncaught.error)).not.toMatch(HOST_DETAILS);
  });

  it("keeps a task's prototype pollution in its own VM: other runs and the API's answers are unaffected", async () => {
    const polluter = await tasker.submit("polluter", { ms: 1500 });
    const during = await Promise.all([tasker.run("probe", {}), tasker.run("echo", { clean: true })]);
    const polluted = await tasker.result(polluter);
    const after = await Promise.all([tasker.run("probe", {}), tasker.run("echo", { clean: true })]);
    for (const [probe, echo] of [during, after]) {
      expect(probe).toMatchObject({ status: "completed", result: ["undefined", "undefined", "undefined", 1] });
      expect(echo).toMatchObject({ status: "completed", result: { echo: { clean: true } } });
    }
    expect(polluted).toMatchObject({ taskRunId: polluter, status: "completed", result: { own: "value" } });
    const quotedKey = "k'; DROP TABLE events; --";
    await tasker.submit("echo", { a: 1 }, quotedKey);
    const answers = await Promise.all([`/tasks/${polluter}`, `/tasks/${after[1].taskRunId}`, "/task-functions", "/health"].map((path) => tasker.request("GET", path)));
    expect(JSON.stringify(answers)).not.toContain("polluted");
    expect(JSON.stringify(answers)).not.toContain("forged");
  });

  it("shows no host path or SQL in any error a task or the API's user sees", async () => {
    const collected = await tasker.run("collect-errors", {});
    expect(collected.status).toBe("completed");
    const seen = collected.result as string[];
    expect(seen).toHaveLength(18);
    const uncaught = await tasker.run("uncaught-unknown-task", {});
    expect(uncaught.error).toMatchObject({ code: "TASK_NOT_FOUND" });
    const quotedKey = "k'; DROP TABLE events; --";
    await tasker.submit("echo", { a: 1 }, quotedKey);
    const answers = await Promise.all([
      tasker.request("POST", "/tasks", { taskName: "no-such-task" }),
      tasker.request("POST", "/tasks", { taskName: 42 }),
      tasker.request("POST", "/tasks", { taskName: "echo", idempotencyKey: quotedKey, input: { a: 2 } }),
      tasker.request("GET", "/tasks/not-a-uuid"),
      tasker.request("GET", "/tasks/00000000-0000-4000-8000-000000000000"),
      tasker.request("GET", "/tasks/'%20OR%201=1--"),
      tasker.request("POST", "/tasks/00000000-0000-4000-8000-000000000000/cancel"),
      tasker.request("POST", "/tasks/00000000-0000-4000-8000-000000000000/signals/go", { payload: 1 }),
      tasker.request("POST", "/task-functions", { name: "broken", code: "module.exports = async () => {" }),
      tasker.request("POST", "/task-functions", { name: "../../etc/passwd", code: "module.exports = 1" }),
      tasker.request("DELETE", "/keys/no-such-secret"),
    ]);
    for (const { status } of answers) expect(status).toBeGreaterThanOrEqual(400);
    for (const { status } of answers) expect(status).toBeLessThan(500);
    const malformed = await fetch(`${tasker.url}/tasks`, { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
    expect(malformed.status).toBe(400);
    const everything = JSON.stringify([seen, uncaught.error, answers, await malformed.text()]);
    expect(everything).not.toMatch(HOST_DETAILS);
  });
});

describe("hostile values a task hands over", () => {
  it.each([
    ["throw-odd-string", { code: "TASK_ERROR", message: "a\u0000b\ud800c" }],
    ["throw-huge-string", { code: "ERROR_TOO_LARGE" }],
    ["throw-revoked-proxy", { code: "TASK_ERROR" }],
    ["result-huge-to-json", { code: "RESULT_TOO_LARGE" }],
    ["result-revoked-proxy", { code: "RESULT_NOT_SERIALIZABLE" }],
    ["result-throwing-to-json", { code: "RESULT_NOT_SERIALIZABLE" }],
  ])("%s ends failed with a clear code", async (name, error) => {
    const run = await tasker.run(name, {});
    expect(run).toMatchObject({ status: "failed", error });
  });
});
