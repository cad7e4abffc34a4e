import { type FakeOpenAi, startFakeOpenAi } from "@tasker/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { failureOf, type OpenAiBed, openAiBed } from "../test/openai-test-bed.js";

const CHAT = ["chat", "completions", "create"];
const hello = { model: "gpt-4o-mini", messages: [{ role: "user", content: "hello" }] };

describe("openai errors, classified from what OpenAI answers", () => {
  let fake: FakeOpenAi;
  let openai: OpenAiBed;

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    openai = openAiBed(fake);
  });
  afterEach(() => fake.clearFaults());
  afterAll(() => fake?.close());

  it("429 is RATE_LIMITED, retryable after Retry-After, the SDK retrying nothing itself", async () => {
    fake.inject({ kind: "status", status: 429, retryAfter: "7", message: "Rate limit reached for gpt-4o-mini" }, { times: 1 });
    const before = fake.requests();
    const error = await failureOf(openai.call(CHAT, [hello]));
    expect(error).toMatchObject({ code: "RATE_LIMITED", status: 429, retryable: true, retryAfterMs: 7000, details: { type: "rate_limit_error" } });
    expect(error.message).toContain("Rate limit reached for gpt-4o-mini");
    expect(fake.requests() - before).toBe(1);
  });

  it("429 insufficient_quota is final: waiting brings no credit", async () => {
    fake.inject({ kind: "status", status: 429, type: "insufficient_quota", code: "insufficient_quota", message: "You exceeded your current quota" }, { times: 1 });
    expect(await failureOf(openai.call(CHAT, [hello]))).toMatchObject({ code: "RATE_LIMITED", retryable: false, details: { openaiCode: "insufficient_quota" } });
  });

  it("5xx is UPSTREAM_5XX, retryable", async () => {
    fake.inject({ kind: "status", status: 503, message: "The server is overloaded" }, { times: 1 });
    expect(await failureOf(openai.call(CHAT, [hello]))).toMatchObject({ code: "UPSTREAM_5XX", status: 503, retryable: true });
  });

  it("400, 401 and 404 are UPSTREAM_4XX, terminal, with OpenAI's message, type and code", async () => {
    const bad = await failureOf(openai.call(CHAT, [{ model: "gpt-4o-mini", messages: [] }]));
    expect(bad).toMatchObject({ code: "UPSTREAM_4XX", status: 400, retryable: false, details: { type: "invalid_request_error", param: "messages" } });
    expect(bad.message).toContain("[] is too short - 'messages'");
    const missing = await failureOf(openai.call(CHAT, [{ ...hello, model: "gpt-9" }]));
    expect(missing).toMatchObject({ code: "UPSTREAM_4XX", status: 404, details: { type: "invalid_request_error", openaiCode: "model_not_found" } });
    expect(missing.message).toContain("The model `gpt-9` does not exist");
    const wrongKey = "sk-wrong-key-abcdefghijklmnop";
    const denied = await failureOf(openAiBed(fake, { default: wrongKey }).call(CHAT, [hello]));
    expect(denied).toMatchObject({ code: "UPSTREAM_4XX", status: 401, retryable: false, details: { type: "invalid_request_error", openaiCode: "invalid_api_key" } });
    expect(denied.message).toContain("Incorrect API key provided");
    expect(JSON.stringify([denied.message, denied.details])).not.toContain(wrongKey);
  });

  it("a 200 whose JSON is broken is UPSTREAM_FORMAT, terminal, quoting none of the body (which may echo the key)", async () => {
    fake.inject({ kind: "raw", status: 200, contentType: "application/json", body: `${fake.apiKey} is not what you asked for` }, { times: 1 });
    const error = await failureOf(openai.call(CHAT, [hello]));
    expect(error).toMatchObject({ code: "UPSTREAM_FORMAT", retryable: false });
    expect(error.message).toContain("not valid JSON");
    expect(JSON.stringify([error.message, error.details])).not.toContain(fake.apiKey.slice(0, 8));
  });

  it("a 200 whose body is a JSON array is UPSTREAM_FORMAT: every method answers an object", async () => {
    fake.inject({ kind: "raw", status: 200, contentType: "application/json", body: "[1, 2, 3]" }, { times: 1 });
    expect(await failureOf(openai.call(CHAT, [hello]))).toMatchObject({ code: "UPSTREAM_FORMAT", retryable: false });
  });

  it("an aborted attempt is TIMEOUT, a refused connection NETWORK_ERROR, both retryable", async () => {
    fake.inject({ kind: "delay", ms: 5000 }, { times: 1 });
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 200);
    expect(await failureOf(openai.call(CHAT, [hello], { signal: abort.signal }))).toMatchObject({ code: "TIMEOUT", retryable: true });
    const closed = await startFakeOpenAi();
    const unreachable = openAiBed(closed);
    await closed.close();
    expect(await failureOf(unreachable.call(CHAT, [hello]))).toMatchObject({ code: "NETWORK_ERROR", retryable: true });
  });
});
