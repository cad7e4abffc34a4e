import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DOCUMENTED_TASK, type GatewayEnv, startGatewayEnv } from "../../test/gateway-env.js";

const json = { "content-type": "application/json" };
const unknownRun = "0193a8f2-7c1e-7000-8000-000000000000";

describe("unusual requests get a 4xx with the error shape, never a 500", () => {
  let gateway: GatewayEnv;
  beforeAll(async () => {
    gateway = await startGatewayEnv();
    await gateway.request("POST", "/task-functions", { name: "greet", code: DOCUMENTED_TASK });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it.each([
    ["a bare JSON string body", "POST", "/tasks", '"greet"', json, 400, "VALIDATION_FAILED", "body"],
    ["a body that is not JSON", "POST", "/tasks", "{taskName:", json, 400, "INVALID_JSON", "body"],
    ["a non-finite number", "POST", "/tasks", '{"taskName":"greet","input":1e400}', json, 400, "VALIDATION_FAILED", "input"],
    ["an idempotency key with an unpaired surrogate", "POST", "/tasks", '{"taskName":"greet","idempotencyKey":"\\ud800"}', json, 400, "VALIDATION_FAILED", "idempotencyKey"],
    ["a JSON body sent as text/plain", "POST", "/tasks", '{"taskName":"greet"}', { "content-type": "text/plain" }, 400, "VALIDATION_FAILED", "body"],
    ["a body that is not the gzip it claims", "POST", "/tasks", "garbage", { ...json, "content-encoding": "gzip" }, 400, "INVALID_BODY", "body"],
    ["a charset other than UTF-8", "POST", "/tasks", "{}", { "content-type": "application/json; charset=latin1" }, 415, "UNSUPPORTED_MEDIA_TYPE", "body"],
    ["an invalid percent-encoding", "GET", "/tasks/%FF", undefined, {}, 400, "INVALID_URL", undefined],
    ["a name longer than 200", "POST", "/task-functions", JSON.stringify({ name: "x".repeat(201), code: "1" }), json, 400, "VALIDATION_FAILED", "name"],
    ["code with \\u0000", "POST", "/task-functions", JSON.stringify({ name: "n", code: "'\u0000'" }), json, 400, "VALIDATION_FAILED", "code"],
    ["a description that is not a string", "POST", "/task-functions", JSON.stringify({ name: "n", code: "1", description: 5 }), json, 400, "VALIDATION_FAILED", "description"],
    ["a repeated wait", "GET", `/tasks/${unknownRun}/result?wait=1&wait=2`, undefined, {}, 400, "VALIDATION_FAILED", "wait"],
    ["an unknown method", "PUT", "/task-functions", "{}", json, 404, "NOT_FOUND", undefined],
  ])("%s", async (_case, method, path, body, headers, status, code, field) => {
    const answer = await gateway.request(method, path, body, headers);
    expect(answer.status).toBe(status);
    expect(answer.body.error).toEqual({ code, message: expect.any(String), ...(field ? { field } : {}) });
  });

  it("says a null body is null, not that it is invalid JSON", async () => {
    const answer = await gateway.request("POST", "/tasks", "null", json);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toEqual({ code: "VALIDATION_FAILED", message: "the body is null; it must be a JSON object", field: "body" });
  });

  it("reads a gzip body", async () => {
    const answer = await gateway.request("POST", "/tasks", gzipSync('{"taskName":"greet"}'), { ...json, "content-encoding": "gzip" });
    expect(answer.status).toBe(202);
  });
});
