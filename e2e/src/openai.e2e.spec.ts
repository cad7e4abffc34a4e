import type { RecordedEvent } from "@tasker/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeOpenAi, fakeReply, startFakeOpenAi, startOpenAiSystem, type TaskerSystem } from "@tasker/testing";

const WRONG_KEY = "sk-wrong-0123456789abcdefghijklmnopqrstuv";

let openai: FakeOpenAi;
let tasker: TaskerSystem;

beforeAll(async () => {
  openai = await startFakeOpenAi();
  tasker = await startOpenAiSystem(openai, { OPENAI_MAX_ATTEMPTS: "3" });
  await tasker.publish(
    "openai-all",
    `module.exports = async (input, { tools }) => {
       const chat = await tools.openai.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: input.prompt }] });
       const [response, embedding, models] = await Promise.all([
         tools.openai.responses.create({ model: "gpt-4.1", input: input.prompt }),
         tools.openai.embeddings.create({ model: "text-embedding-3-small", input: input.prompt }),
         tools.openai.models.list(),
       ]);
       return { chat, response, embedding, models };
     };`,
  );
  await tasker.publish(
    "openai-chat",
    `module.exports = async (input, { tools }) => {
       try {
         return { ok: true, data: await tools.openai.chat.completions.create(input) };
       } catch (error) {
         return { ok: false, name: error.name, code: error.code, message: error.message, status: error.status ?? null, details: error.details ?? null };
       }
     };`,
  );
}, 120_000);

afterAll(async () => {
  await tasker?.stop();
  await openai?.close();
});

/** The openai calls of a run: each `stack.created` with what followed it. */
async function openAiCalls(taskRunId: string): Promise<RecordedEvent[][]> {
  const events = await tasker.events(`run:${taskRunId}`);
  const calls = new Map<string, RecordedEvent[]>();
  for (const event of events) {
    if (event.type === "stack.created" && event.data.service === "openai") calls.set(event.data.stackRunId, []);
    const id = (event.data as { stackRunId?: string }).stackRunId;
    if (id !== undefined) calls.get(id)?.push(event);
  }
  return [...calls.values()];
}

describe("openai-proxy through the kit, every service its own process, against a fake OpenAI", () => {
  it("runs each of the four methods from a task, answering the API's JSON bodies, with each call's token usage in its stack.completed", async () => {
    const run = await tasker.run("openai-all", { prompt: "three little words" });
    expect(run.status).toBe("completed");
    const result = run.result as { chat: unknown; response: unknown; embedding: { data: { embedding: unknown[] }[] }; models: unknown };
    expect(result.chat).toMatchObject({ object: "chat.completion", choices: [{ message: { role: "assistant", content: fakeReply("three little words") } }], usage: { prompt_tokens: 3 } });
    expect(result.response).toMatchObject({ object: "response", output_text: fakeReply("three little words") });
    expect(result.embedding).toMatchObject({ object: "list", data: [{ index: 0, embedding: expect.any(Array) }] });
    expect(result.embedding.data[0]!.embedding.every((value) => typeof value === "number")).toBe(true);
    expect(result.models).toMatchObject({ object: "list", data: expect.arrayContaining([expect.objectContaining({ id: "gpt-4o-mini", object: "model" })]) });

    const usages = Object.fromEntries(
      (await openAiCalls(run.taskRunId)).map((call) => {
        const created = call[0] as RecordedEvent & { data: { method: string[] } };
        const completed = call.find((event) => event.type === "stack.completed") as (RecordedEvent & { data: { usage?: unknown } }) | undefined;
        return [created.data.method.join("."), completed?.data.usage ?? null];
      }),
    );
    expect(usages).toEqual({
      "chat.completions.create": { inputTokens: 3, outputTokens: 4, totalTokens: 7 },
      "responses.create": { inputTokens: 3, outputTokens: 4, totalTokens: 7 },
      "embeddings.create": { inputTokens: 3, outputTokens: 0, totalTokens: 3 },
      "models.list": null,
    });
  });

  it("fails stream: true at once with STREAMING_UNSUPPORTED, which the task catches", async () => {
    const before = openai.requests();
    const run = await tasker.run("openai-chat", { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], stream: true });
    expect(run.status).toBe("completed");
    expect(run.result).toMatchObject({ ok: false, name: "ServiceError", code: "STREAMING_UNSUPPORTED" });
    expect((run.result as { message: string }).message).toContain("stream: true");
    expect(openai.requests()).toBe(before);
  });

  it("retries a 429 with Retry-After: 1 after about a second, recorded as stack.retrying, then succeeds", async () => {
    openai.inject({ kind: "status", status: 429, retryAfter: "1", message: "Rate limit reached for requests" }, { path: "/v1/chat/completions", times: 1 });
    const before = openai.requests("/v1/chat/completions");
    const run = await tasker.run("openai-chat", { model: "gpt-4o-mini", messages: [{ role: "user", content: "again" }] });
    expect(run.result).toMatchObject({ ok: true, data: { choices: [{ message: { content: fakeReply("again") } }] } });
    const [first, second, ...more] = openai.received("/v1/chat/completions").slice(before);
    expect(more).toEqual([]);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(900);
    expect(second!.at - first!.at).toBeLessThan(10_000);
    const [call] = await openAiCalls(run.taskRunId);
    expect(call!.filter((event) => event.type === "stack.retrying")).toMatchObject([{ data: { attempt: 1, error: { code: "RATE_LIMITED", details: { status: 429 } } } }]);
  });

  it("fails a 400 at once with OpenAI's message and type", async () => {
    const before = openai.requests();
    const run = await tasker.run("openai-chat", { model: "gpt-4o-mini", messages: [] });
    expect(run.result).toMatchObject({ ok: false, code: "UPSTREAM_4XX", status: 400, details: { type: "invalid_request_error", param: "messages" } });
    expect((run.result as { message: string }).message).toContain("[] is too short - 'messages'");
    expect((run.result as { message: string }).message).toContain("invalid_request_error");
    expect(openai.requests() - before).toBe(1);
  });

  it("fails a 401 at once with OpenAI's message and no key; a missing key names the keystore entry; no key in any event, log or output", async () => {
    expect((await tasker.request("PUT", "/keys/openai-api-key", { value: WRONG_KEY })).status).toBe(204);
    const before = openai.requests();
    const denied = await tasker.run("openai-chat", { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });
    expect(denied.result).toMatchObject({ ok: false, code: "UPSTREAM_4XX", status: 401, details: { type: "invalid_request_error", openaiCode: "invalid_api_key" } });
    expect((denied.result as { message: string }).message).toContain("Incorrect API key provided");
    expect(openai.requests() - before).toBe(1);

    expect((await tasker.request("DELETE", "/keys/openai-api-key")).status).toBe(204);
    const missing = await tasker.run("openai-chat", { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });
    expect(missing.result).toMatchObject({ ok: false, code: "SECRET_NOT_FOUND" });
    expect((missing.result as { message: string }).message).toContain("tasker keys set openai-api-key");
    expect((await tasker.request("PUT", "/keys/openai-api-key", { value: openai.apiKey })).status).toBe(204);

    const events = JSON.stringify(await tasker.events("run:%"));
    const output = [...tasker.processes.values()].map((process) => process.output()).join("\n");
    const logs = JSON.stringify([denied.logs, missing.logs]);
    for (const key of [WRONG_KEY, openai.apiKey]) {
      expect(events).not.toContain(key);
      expect(output).not.toContain(key);
      expect(logs).not.toContain(key);
    }
    expect(output).toMatch(/started openai-proxy/);
  });
});
