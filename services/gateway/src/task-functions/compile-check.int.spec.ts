import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DOCUMENTED_TASK, type GatewayEnv, startGatewayEnv } from "../../test/gateway-env.js";

/** 0.7 MB (under the 1 MiB body limit) that acorn and QuickJS each take seconds to check (quadratic in the declarations). */
const SLOW_TO_COMPILE = `${Array.from({ length: 62_000 }, (_, i) => `let v${i};`).join("\n")}\nexport default async function () { return 1; }`;
const DEADLINE_MS = 2000;

describe("the publish-time check of code, on compile threads", () => {
  let gateway: GatewayEnv;
  beforeAll(async () => {
    gateway = await startGatewayEnv({ TASKER_COMPILE_MS: String(DEADLINE_MS) });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it("refuses code acorn parses but QuickJS does not compile, naming the line", async () => {
    const code = "export default async function () {\n  using handle = null;\n}\n";
    const { status, body } = await gateway.request("POST", "/task-functions", { name: "using", code });
    expect(status).toBe(400);
    expect(body.error).toEqual({ code: "SYNTAX_ERROR", field: "code", message: "line 2: expecting ';'" });
  });

  it("refuses code nested deeper than QuickJS's stack allows, which acorn parses", async () => {
    const code = `export const deep = ${"(() => ".repeat(600)}1${")".repeat(600)};\nexport default async function () { return deep; }`;
    const { status, body } = await gateway.request("POST", "/task-functions", { name: "deep", code });
    expect(status).toBe(400);
    expect(body.error).toEqual({ code: "SYNTAX_ERROR", field: "code", message: "line 1: stack overflow" });
  });

  it("stops checks that overrun TASKER_COMPILE_MS with 400 COMPILE_TIME_LIMIT, while /health answers promptly", async () => {
    const started = performance.now();
    const publishes = Array.from({ length: 3 }, (_, i) =>
      gateway.request("POST", "/task-functions", { name: `slow-${i}`, code: SLOW_TO_COMPILE }).then((answer) => ({ ...answer, ms: performance.now() - started })),
    );
    let done = false;
    void Promise.allSettled(publishes).then(() => (done = true));
    const healthMs: number[] = [];
    while (!done) {
      const asked = performance.now();
      const { status } = await gateway.request("GET", "/health");
      expect(status).toBe(200);
      healthMs.push(performance.now() - asked);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const answers = await Promise.all(publishes);
    for (const { status, body } of answers) {
      expect(status).toBe(400);
      expect(body.error).toMatchObject({ code: "COMPILE_TIME_LIMIT", field: "code" });
      expect(body.error.message).toContain(`${DEADLINE_MS} ms (TASKER_COMPILE_MS)`);
    }
    // Two threads: two checks at once, the third when one is stopped; each at its deadline (the
    // margins cover starting the threads and sending 0.7 MB bodies on a machine busy with other tests).
    const [first, second, third] = answers.map((answer) => answer.ms).sort((a, b) => a - b);
    expect(second).toBeLessThan(DEADLINE_MS + 3000);
    expect(third).toBeLessThan(2 * DEADLINE_MS + 4000);
    expect(first).toBeGreaterThanOrEqual(DEADLINE_MS);
    expect(healthMs.length).toBeGreaterThanOrEqual(10);
    expect(Math.max(...healthMs)).toBeLessThan(1000);
  });

  it("publishes as before once the overrunning threads were replaced", async () => {
    const { status, body } = await gateway.request("POST", "/task-functions", { name: "greet", code: DOCUMENTED_TASK });
    expect(status).toBe(201);
    const listed = await gateway.request("GET", "/task-functions");
    expect(listed.body.find((fn: { name: string }) => fn.name === "greet")).toMatchObject({ version: body.version, description: "Greets someone, politely." });
  });
});
