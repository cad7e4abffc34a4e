import { createHash } from "node:crypto";
import type { FakeAnswer } from "./fake-google-answers.js";

/** The models the fake offers (`GET /v1/models`); any other model is answered 404 `model_not_found`. */
export const FAKE_OPENAI_MODELS: readonly string[] = ["gpt-4o-mini", "gpt-4.1", "text-embedding-3-small"];
/** Dimensions of the fake's embeddings. */
export const FAKE_EMBEDDING_DIMENSIONS = 8;
const CREATED = 1_700_000_000;

type Body = Record<string, unknown>;

/** An error in OpenAI's format: `{error: {message, type, param, code}}`. */
export function openAiError(status: number, message: string, type: string, code: string | null = null, param: string | null = null, headers?: Record<string, string>): FakeAnswer {
  return { status, body: { error: { message, type, param, code } }, ...(headers && { headers }) };
}

/** The text the fake answers a prompt with: deterministic, so a test can check each call got its own answer. */
export function fakeReply(prompt: string): string {
  return `echo: ${prompt}`;
}

/** Tokens, as the fake counts them: words. */
export function fakeTokens(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** `POST /v1/chat/completions`: a `chat.completion` echoing the last message's text, with `usage`. */
export function chatCompletion(body: Body, id: number): FakeAnswer {
  const refused = checkModel(body);
  if (refused) return refused;
  const messages = body["messages"];
  if (!Array.isArray(messages) || messages.length === 0) return openAiError(400, "[] is too short - 'messages'", "invalid_request_error", null, "messages");
  const texts = messages.map((message) => textOf((message as Body | null)?.["content"]));
  const reply = fakeReply(texts.at(-1)!);
  const prompt = texts.reduce((sum, text) => sum + fakeTokens(text), 0);
  return ok({
    id: `chatcmpl-fake${id}`,
    object: "chat.completion",
    created: CREATED + id,
    model: body["model"],
    choices: [{ index: 0, message: { role: "assistant", content: reply, refusal: null, annotations: [] }, logprobs: null, finish_reason: "stop" }],
    usage: { prompt_tokens: prompt, completion_tokens: fakeTokens(reply), total_tokens: prompt + fakeTokens(reply) },
    system_fingerprint: "fp_fake",
  });
}

/** `POST /v1/responses`: a completed `response` whose one message echoes the input's (last) text, with `usage`. */
export function response(body: Body, id: number): FakeAnswer {
  const refused = checkModel(body);
  if (refused) return refused;
  const input = body["input"];
  const texts = typeof input === "string" ? [input] : Array.isArray(input) ? input.map((item) => textOf((item as Body | null)?.["content"])) : [];
  if (texts.length === 0) return openAiError(400, "Missing required parameter: 'input'.", "invalid_request_error", "missing_required_parameter", "input");
  const reply = fakeReply(texts.at(-1)!);
  const inputTokens = texts.reduce((sum, text) => sum + fakeTokens(text), 0);
  return ok({
    id: `resp_fake${id}`,
    object: "response",
    created_at: CREATED + id,
    status: "completed",
    model: body["model"],
    output: [{ type: "message", id: `msg_fake${id}`, status: "completed", role: "assistant", content: [{ type: "output_text", text: reply, annotations: [] }] }],
    usage: {
      input_tokens: inputTokens,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: fakeTokens(reply),
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: inputTokens + fakeTokens(reply),
    },
  });
}

/** `POST /v1/embeddings`: one vector per input text (from its hash), as floats or, with `encoding_format: "base64"`, little-endian float32 in base64. */
export function embeddings(body: Body): FakeAnswer {
  const refused = checkModel(body);
  if (refused) return refused;
  const input = body["input"];
  const texts = typeof input === "string" ? [input] : Array.isArray(input) && input.every((text) => typeof text === "string") ? (input as string[]) : [];
  if (texts.length === 0) return openAiError(400, "'input' is a required property", "invalid_request_error", null, "input");
  const base64 = body["encoding_format"] === "base64";
  const data = texts.map((text, index) => {
    const vector = fakeEmbedding(text);
    return { object: "embedding", index, embedding: base64 ? Buffer.from(vector.buffer).toString("base64") : Array.from(vector) };
  });
  const tokens = texts.reduce((sum, text) => sum + fakeTokens(text), 0);
  return ok({ object: "list", data, model: body["model"], usage: { prompt_tokens: tokens, total_tokens: tokens } });
}

/** The fake's embedding of `text`: `FAKE_EMBEDDING_DIMENSIONS` float32 values in [-1, 1) from its SHA-256. */
export function fakeEmbedding(text: string): Float32Array {
  const hash = createHash("sha256").update(text).digest();
  return Float32Array.from({ length: FAKE_EMBEDDING_DIMENSIONS }, (_, i) => hash.readInt16LE(i * 2) / 32768);
}

/** `GET /v1/models`. */
export function models(): FakeAnswer {
  return ok({ object: "list", data: FAKE_OPENAI_MODELS.map((id) => ({ id, object: "model", created: CREATED, owned_by: "openai" })) });
}

function checkModel(body: Body): FakeAnswer | undefined {
  const model = body["model"];
  if (typeof model !== "string" || model === "") return openAiError(400, "you must provide a model parameter", "invalid_request_error", null, "model");
  if (!FAKE_OPENAI_MODELS.includes(model)) return openAiError(404, `The model \`${model}\` does not exist or you do not have access to it.`, "invalid_request_error", "model_not_found");
  return undefined;
}

/** A message's text: a string, or the text parts of a content array. */
function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((part) => (typeof (part as Body | null)?.["text"] === "string" ? (part as Body)["text"] : "")).join(" ");
}

const ok = (body: unknown): FakeAnswer => ({ status: 200, body });
