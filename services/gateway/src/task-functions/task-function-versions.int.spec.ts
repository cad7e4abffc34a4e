import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DOCUMENTED_TASK, type GatewayEnv, startGatewayEnv } from "../../test/gateway-env.js";

const ADMIN_TOKEN = randomBytes(24).toString("base64url");
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const SECOND = `/**
 * @description Greets twice.
 * @uses gapi, keystore:token
 */
module.exports = async (input) => "hi";
`;

describe("task function versions over HTTP", () => {
  let gateway: GatewayEnv;
  const operator = { authorization: `Bearer ${ADMIN_TOKEN}` };
  const get = (path: string, headers: Record<string, string> = operator) => gateway.request("GET", path, undefined, headers);
  beforeAll(async () => {
    gateway = await startGatewayEnv({ TASKER_AUTH: "on", TASKER_ADMIN_TOKEN: ADMIN_TOKEN });
    for (const code of [DOCUMENTED_TASK, SECOND]) expect((await gateway.request("POST", "/task-functions", { name: "team/greet", code }, operator)).status).toBe(201);
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it("lists every version, newest first, with when it was published and its description", async () => {
    const { status, body } = await get("/task-functions/team%2Fgreet/versions");
    expect(status).toBe(200);
    expect(body).toEqual([
      { version: sha256(SECOND), publishedAt: expect.any(String), description: "Greets twice." },
      { version: sha256(DOCUMENTED_TASK), publishedAt: expect.any(String), description: "Greets someone, politely." },
    ]);
    expect(Date.parse(body[0].publishedAt)).toBeGreaterThanOrEqual(Date.parse(body[1].publishedAt));
  });

  it("answers any version with its code, description, params and uses, the current one or not", async () => {
    const old = await get(`/task-functions/team%2Fgreet/versions/${sha256(DOCUMENTED_TASK)}`);
    expect(old).toEqual({
      status: 200,
      body: {
        name: "team/greet",
        version: sha256(DOCUMENTED_TASK),
        code: DOCUMENTED_TASK,
        description: "Greets someone, politely.",
        params: [
          { name: "name", type: "string", description: "who to greet", optional: false },
          { name: "times", type: "number", description: "how often", optional: true },
        ],
        uses: [],
      },
    });
    const current = await get(`/task-functions/team%2Fgreet/versions/${sha256(SECOND)}`);
    expect(current.body).toMatchObject({ code: SECOND, description: "Greets twice.", params: [], uses: ["gapi", "keystore:token"] });
  });

  it("answers 404 with the error shape for an unknown name or version, and 400 for what is not a version", async () => {
    const unknownName = await get(`/task-functions/nobody/versions`);
    expect(unknownName).toEqual({ status: 404, body: { error: { code: "TASK_NOT_FOUND", message: expect.any(String), field: "name" } } });
    expect((await get(`/task-functions/nobody/versions/${sha256("x")}`)).body.error).toMatchObject({ code: "TASK_NOT_FOUND", field: "name" });
    const unknownVersion = await get(`/task-functions/team%2Fgreet/versions/${sha256("x")}`);
    expect(unknownVersion).toEqual({ status: 404, body: { error: { code: "TASK_VERSION_NOT_FOUND", message: expect.any(String), field: "version" } } });
    const bad = await get("/task-functions/team%2Fgreet/versions/latest");
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: "VALIDATION_FAILED", field: "version" });
  });

  it("shows a key its own namespace's task functions only", async () => {
    const made = await gateway.request("POST", "/auth/keys", { namespace: "team-b", role: "run" }, operator);
    const other = { authorization: `Bearer ${made.body.key}` };
    expect((await get("/task-functions/team%2Fgreet/versions", other)).status).toBe(404);
    expect((await get(`/task-functions/team%2Fgreet/versions/${sha256(SECOND)}`, other)).status).toBe(404);
  });
});
