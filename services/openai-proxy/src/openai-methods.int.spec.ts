import { FAKE_EMBEDDING_DIMENSIONS, fakeEmbedding, type FakeOpenAi, startFakeOpenAi } from "@tasker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failureOf, type OpenAiBed, openAiBed } from "../test/openai-test-bed.js";
import { openAiMethods } from "./openai-methods.js";
import { openAiUsageOf } from "./openai-usage.js";

describe("openai methods through the openai SDK against a fake OpenAI", () => {
  let fake: FakeOpenAi;
  let openai: OpenAiBed;

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    openai = openAiBed(fake);
  });
  afterAll(() => fake?.close());

  it("offers exactly the four methods", () => {
    expect([...openAiMethods.names()].sort()).toEqual(["chat.completions.create", "embeddings.create", "models.list", "responses.create"]);
    expect(openAiMethods.resolve(["files", "create"])).toBeUndefined();
    expect(openAiMethods.resolve(["chat", "completions"])).toBeUndefined();
  });

  it("answers a chat completion as the API's JSON body, its usage read as token counts", async () => {
    const result = await openai.call(["chat", "completions", "create"], [{ model: "gpt-4o-mini", messages: [{ role: "system", content: "be brief" }, { role: "user", content: "hello there" }] }]);
    expect(result).toMatchObject({ object: "chat.completion", choices: [{ message: { role: "assistant", content: "echo: hello there" }, finish_reason: "stop" }] });
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(openAiUsageOf(["chat", "completions", "create"], result)).toEqual({ inputTokens: 4, outputTokens: 3, totalTokens: 7 });
  });

  it("answers a response with its output_text, and its input/output tokens", async () => {
    const result = await openai.call(["responses", "create"], [{ model: "gpt-4.1", input: "summarise this" }]);
    expect(result).toMatchObject({ object: "response", status: "completed", output_text: "echo: summarise this" });
    expect(openAiUsageOf(["responses", "create"], result)).toEqual({ inputTokens: 2, outputTokens: 3, totalTokens: 5 });
  });

  it("answers embeddings as arrays of numbers, whatever the SDK asked on the wire", async () => {
    const result = (await openai.call(["embeddings", "create"], [{ model: "text-embedding-3-small", input: ["a b", "c"] }])) as { data: { embedding: number[]; index: number }[] };
    expect(result.data).toHaveLength(2);
    expect(result.data[0]!.embedding).toEqual(Array.from(fakeEmbedding("a b")));
    expect(result.data[1]!.embedding).toHaveLength(FAKE_EMBEDDING_DIMENSIONS);
    const floats = (await openai.call(["embeddings", "create"], [{ model: "text-embedding-3-small", input: "a b", encoding_format: "float" }])) as typeof result;
    expect(floats.data[0]!.embedding).toEqual(result.data[0]!.embedding);
    expect(openAiUsageOf(["embeddings", "create"], result)).toEqual({ inputTokens: 3, outputTokens: 0, totalTokens: 3 });
  });

  it("lists the models as the API's list body, with no usage", async () => {
    const result = (await openai.call(["models", "list"], [])) as { object: string; data: { id: string; object: string }[] };
    expect(result.object).toBe("list");
    expect(result.data.map((model) => model.id)).toContain("gpt-4o-mini");
    expect(Object.keys(result)).toEqual(["object", "data"]);
    expect(openAiUsageOf(["models", "list"], result)).toBeUndefined();
  });

  it("refuses stream: true before any request, and arguments that are not one body", async () => {
    const before = fake.requests();
    expect(await failureOf(openai.call(["chat", "completions", "create"], [{ model: "gpt-4o-mini", messages: [], stream: true }]))).toMatchObject({ code: "STREAMING_UNSUPPORTED", retryable: false });
    expect(await failureOf(openai.call(["responses", "create"], [{ model: "gpt-4o-mini", input: "x", stream: true }]))).toMatchObject({ code: "STREAMING_UNSUPPORTED" });
    expect(await failureOf(openai.call(["embeddings", "create"], ["just text"]))).toMatchObject({ code: "INVALID_ARGUMENT" });
    expect(await failureOf(openai.call(["models", "list"], [{ limit: 3 }]))).toMatchObject({ code: "INVALID_ARGUMENT" });
    expect(fake.requests()).toBe(before);
  });

  it("uses each namespace's own key, and fails a namespace without one SECRET_NOT_FOUND naming the keystore name", async () => {
    fake.acceptKey("sk-team-b-key-0123456789");
    const both = openAiBed(fake, { default: fake.apiKey, "team-b": "sk-team-b-key-0123456789" });
    await both.call(["models", "list"], [], { namespace: "team-b" });
    expect(fake.received("/v1/models").at(-1)!.key).toBe("sk-team-b-key-0123456789");
    const missing = await failureOf(both.call(["models", "list"], [], { namespace: "team-c" }));
    expect(missing).toMatchObject({ code: "SECRET_NOT_FOUND", retryable: false });
    expect(missing.message).toContain('"openai-api-key"');
    expect(missing.message).toContain("tasker keys set openai-api-key");
  });
});
