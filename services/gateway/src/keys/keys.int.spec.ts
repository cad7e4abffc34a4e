import { randomBytes } from "node:crypto";
import { pooledSql } from "@tasker/event-store";
import { masterKeysFrom, SecretStore } from "@tasker/secrets";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GatewayEnv, startGatewayEnv } from "../../test/gateway-env.js";

const MASTER_KEY = randomBytes(32).toString("base64");

describe("the /keys routes, from loopback without TASKER_ADMIN_TOKEN", () => {
  let gateway: GatewayEnv;
  beforeAll(async () => {
    gateway = await startGatewayEnv({ TASKER_MASTER_KEY: MASTER_KEY });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it("sets, lists names only, replaces and deletes; the table holds no plaintext", async () => {
    const value = "sk-live-0123456789abcdef\u0000\ud800";
    expect(await gateway.request("PUT", "/keys/openai.api_key", { value })).toEqual({ status: 204, body: undefined });
    expect((await gateway.request("PUT", `/keys/${encodeURIComponent("team/gapi-token")}`, { value: "other" })).status).toBe(204);
    expect((await gateway.request("PUT", "/keys/openai.api_key", { value: `${value}!` })).status).toBe(204);

    const listed = await gateway.request("GET", "/keys");
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([
      { name: "openai.api_key", updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
      { name: "team/gapi-token", updatedAt: expect.any(String) },
    ]);
    const [row] = await pooledSql(gateway.platform.dataSource).rows<{ sealed: string }>("SELECT sealed FROM secrets WHERE name = $1", ["openai.api_key"]);
    expect(row!.sealed).not.toContain("sk-live");
    const store = new SecretStore({ dataSource: gateway.platform.dataSource, keys: () => masterKeysFrom({ TASKER_MASTER_KEY: MASTER_KEY }) });
    expect(await store.get("openai.api_key")).toBe(`${value}!`);
    expect(await store.get("team/gapi-token")).toBe("other");

    expect((await gateway.request("DELETE", `/keys/${encodeURIComponent("team/gapi-token")}`)).status).toBe(204);
    expect((await gateway.request("GET", "/keys")).body.map((entry: { name: string }) => entry.name)).toEqual(["openai.api_key"]);
  });

  it("answers 404 SECRET_NOT_FOUND for deleting an unknown secret", async () => {
    const answer = await gateway.request("DELETE", "/keys/never-set");
    expect(answer.status).toBe(404);
    expect(answer.body.error).toMatchObject({ code: "SECRET_NOT_FOUND", field: "name" });
  });

  it.each([
    ["a value that is not a string", "/keys/ok", { value: 42 }, "value"],
    ["a missing value", "/keys/ok", {}, "value"],
    ["no body", "/keys/ok", undefined, "body"],
    ["a name with a space", "/keys/has%20space", { value: "v" }, "name"],
    ["a name of 201 characters", `/keys/${"n".repeat(201)}`, { value: "v" }, "name"],
  ])("answers 400 naming the field for %s", async (_case, path, body, field) => {
    const answer = await gateway.request("PUT", path, body);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: "VALIDATION_FAILED", field });
  });

  it("never repeats a value in an error", async () => {
    const answer = await gateway.request("PUT", "/keys/bad%20name", { value: "do-not-echo-me" });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).not.toContain("do-not-echo-me");
  });

  it("documents the routes in the OpenAPI document", async () => {
    const doc = await gateway.request("GET", "/docs-json");
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(["/keys", "/keys/{name}"]));
    expect(Object.keys(doc.body.paths["/keys/{name}"])).toEqual(expect.arrayContaining(["put", "delete"]));
  });
});

describe("the /keys routes with TASKER_ADMIN_TOKEN set", () => {
  const TOKEN = randomBytes(16).toString("hex");
  let gateway: GatewayEnv;
  beforeAll(async () => {
    gateway = await startGatewayEnv({ TASKER_MASTER_KEY: MASTER_KEY, TASKER_ADMIN_TOKEN: TOKEN });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it("answers 401 without a bearer token, even from loopback, and 403 for another token", async () => {
    const missing = await gateway.request("GET", "/keys");
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe("ADMIN_TOKEN_REQUIRED");
    const wrong = await gateway.request("PUT", "/keys/x", { value: "v" }, { authorization: "Bearer not-the-token" });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe("ADMIN_TOKEN_INVALID");
    expect((await gateway.request("DELETE", "/keys/x", undefined, { authorization: `Bearer ${TOKEN}x` })).status).toBe(403);
  });

  it("lets the right token set, list and delete", async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect((await gateway.request("PUT", "/keys/x", { value: "v" }, auth)).status).toBe(204);
    expect((await gateway.request("GET", "/keys", undefined, auth)).body).toEqual([{ name: "x", updatedAt: expect.any(String) }]);
    expect((await gateway.request("DELETE", "/keys/x", undefined, auth)).status).toBe(204);
  });
});

describe("the /keys routes without TASKER_MASTER_KEY", () => {
  let gateway: GatewayEnv;
  beforeAll(async () => {
    gateway = await startGatewayEnv({ TASKER_MASTER_KEY: "" });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it("list, and answer 503 MASTER_KEY_MISSING for a set, saying how to get a key", async () => {
    expect((await gateway.request("GET", "/keys")).body).toEqual([]);
    const answer = await gateway.request("PUT", "/keys/x", { value: "v" });
    expect(answer.status).toBe(503);
    expect(answer.body.error.code).toBe("MASTER_KEY_MISSING");
    expect(answer.body.error.message).toMatch(/^TASKER_MASTER_KEY is not set: .*`tasker dev` creates one in \.tasker\//);
  });
});

describe("a /keys body that is not JSON", () => {
  let gateway: GatewayEnv;
  beforeAll(async () => {
    gateway = await startGatewayEnv({ TASKER_MASTER_KEY: MASTER_KEY });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it("is answered 400 INVALID_JSON without quoting it", async () => {
    for (const body of ['{"value": sk-unquoted-secret}', "sk-bare-secret"]) {
      const answer = await gateway.request("PUT", "/keys/x", body);
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe("INVALID_JSON");
      expect(JSON.stringify(answer.body)).not.toContain("secret");
    }
  });
});
