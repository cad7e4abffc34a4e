import { createHash } from "node:crypto";
import { taskFunctionStreamId } from "@tasker/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DOCUMENTED_TASK, type GatewayEnv, startGatewayEnv } from "../../test/gateway-env.js";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

describe("task functions over HTTP", () => {
  let gateway: GatewayEnv;
  beforeAll(async () => {
    gateway = await startGatewayEnv();
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it("publishes with the JSDoc's description and params, and appends task.published", async () => {
    const published = await gateway.request("POST", "/task-functions", { name: "greet", code: DOCUMENTED_TASK });
    expect(published).toEqual({ status: 201, body: { name: "greet", version: sha256(DOCUMENTED_TASK) } });

    const [event] = await gateway.platform.store.readStream(taskFunctionStreamId("greet"));
    expect(event).toMatchObject({
      type: "task.published",
      data: {
        name: "greet",
        version: sha256(DOCUMENTED_TASK),
        code: DOCUMENTED_TASK,
        description: "Greets someone, politely.",
        params: [
          { name: "name", type: "string", description: "who to greet", optional: false },
          { name: "times", type: "number", description: "how often", optional: true },
        ],
      },
    });
  });

  it("lets the body's description win over the JSDoc's", async () => {
    await gateway.request("POST", "/task-functions", { name: "described", code: DOCUMENTED_TASK, description: "mine" });
    const { body } = await gateway.request("GET", "/task-functions");
    expect(body.find((fn: { name: string }) => fn.name === "described").description).toBe("mine");
  });

  it("makes a new version on republish, and lists the current one of each function by name", async () => {
    const first = `module.exports = async function (input) { return 1; };`;
    const second = `module.exports = async function (input) { return 2; };`;
    await gateway.request("POST", "/task-functions", { name: "shared/gapi-helper", code: first });
    const republished = await gateway.request("POST", "/task-functions", { name: "shared/gapi-helper", code: second });
    expect(republished.body.version).toBe(sha256(second));
    expect(republished.body.version).not.toBe(sha256(first));

    const { status, body } = await gateway.request("GET", "/task-functions");
    expect(status).toBe(200);
    expect(body.map((fn: { name: string }) => fn.name)).toEqual(["described", "greet", "shared/gapi-helper"]);
    expect(body[2]).toEqual({ name: "shared/gapi-helper", version: sha256(second), description: "", params: [], uses: [] });
  });

  it("records the @uses entries with the version and lists them", async () => {
    const code = `/**\n * Summarises.\n * @uses websearch, openai\n * @uses keystore:openai-api-key\n */\nmodule.exports = async () => 1;`;
    expect((await gateway.request("POST", "/task-functions", { name: "summarise", code })).status).toBe(201);
    const { body } = await gateway.request("GET", "/task-functions");
    expect(body.find((fn: { name: string }) => fn.name === "summarise").uses).toEqual(["websearch", "openai", "keystore:openai-api-key"]);
  });

  it("refuses a malformed @uses entry, naming the field and the entry", async () => {
    for (const [entry, says] of [
      ["fax", '"fax" names no service that needs declaring'],
      ["sleep", "sleep needs no declaration"],
      ["openai:gpt-4", "only keystore and database declarations name what they cover"],
    ]) {
      const code = `/** @uses ${entry} */\nmodule.exports = async () => 1;`;
      const { status, body } = await gateway.request("POST", "/task-functions", { name: "bad-uses", code });
      expect(status, entry).toBe(400);
      expect(body.error).toMatchObject({ code: "VALIDATION_FAILED", field: "uses" });
      expect(body.error.message).toContain(says);
      expect(body.error.message).toMatch(/^uses: /);
    }
  });

  it("refuses code that does not parse, naming the line", async () => {
    const code = "export async function runTask(input) {\n  const x = ;\n}\n";
    const { status, body } = await gateway.request("POST", "/task-functions", { name: "broken", code });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: "SYNTAX_ERROR", field: "code" });
    expect(body.error.message).toBe("line 2: Unexpected token");
  });

  it("refuses bad names and missing code, naming the field", async () => {
    const badName = await gateway.request("POST", "/task-functions", { name: "../etc", code: "x" });
    expect(badName.status).toBe(400);
    expect(badName.body.error).toMatchObject({ code: "VALIDATION_FAILED", field: "name" });
    const noCode = await gateway.request("POST", "/task-functions", { name: "ok" });
    expect(noCode.status).toBe(400);
    expect(noCode.body.error).toMatchObject({ field: "code", message: "code: is required" });
  });
});
