import { classifyError, type MethodHandler, methodTable, ServiceCallError } from "@tasker/service-kit";
import type OpenAI from "openai";
import { classifyOpenAiError } from "./classify-openai-error.js";
import type { OpenAiClient } from "./openai-client.js";
import { bodyOf, noArguments, type OpenAiParams, plainResult } from "./openai-params.js";

// The SDK's request types are OpenAI's fields, all checked by OpenAI itself; the task's object passes as is.
type P = never;
type Call = (api: OpenAI, body: OpenAiParams, options: { signal: AbortSignal }) => Promise<unknown>;

/**
 * A method calling `call` with the run's namespace's key and the attempt's signal. Whatever it
 * throws is classified here (`classifyOpenAiError`, then the kit's fallback), with the key scrubbed
 * from the message and details.
 */
function method(path: string, call: Call, takes: "body" | "nothing"): MethodHandler<OpenAiClient> {
  return async (client, args, { namespace, signal }) => {
    let body: OpenAiParams = {};
    if (takes === "body") body = bodyOf(args, path);
    else noArguments(args, path);
    const { api, key } = await client.session(namespace);
    try {
      return plainResult(await call(api, body, { signal }), path);
    } catch (error) {
      throw scrubbed(classifyOpenAiError(error) ?? classifyError(error), key);
    }
  };
}

/**
 * The openai allowlist: `chat.completions.create`, `responses.create`, `embeddings.create` (one
 * argument, the request body; `stream: true` fails `STREAMING_UNSUPPORTED`) and `models.list` (no
 * argument). Each returns the API's JSON body: a chat completion, a response (with the SDK's
 * `output_text`, the text of its messages), `{object: "list", data: [{embedding: number[], index}],
 * model, usage}` (the SDK's float vectors whatever it asked on the wire), `{object: "list", data:
 * [{id, object: "model", created, owned_by}]}`.
 */
export const openAiMethods = methodTable<OpenAiClient>({
  "chat.completions.create": method("chat.completions.create", (api, body, options) => api.chat.completions.create(body as P, options), "body"),
  "responses.create": method("responses.create", (api, body, options) => api.responses.create(body as P, options), "body"),
  "embeddings.create": method("embeddings.create", (api, body, options) => api.embeddings.create(body as P, options), "body"),
  "models.list": method(
    "models.list",
    async (api, _body, options) => {
      const page = await api.models.list(options);
      return { object: page.object, data: page.data };
    },
    "nothing",
  ),
});

/** `failure` with every occurrence of `key` in its message and details replaced. */
function scrubbed(failure: ServiceCallError, key: string): ServiceCallError {
  const scrub = (text: string) => text.replaceAll(key, "[redacted]");
  if (!failure.message.includes(key) && !JSON.stringify(failure.details ?? {}).includes(key)) return failure;
  const details = failure.details && Object.fromEntries(Object.entries(failure.details).map(([name, value]) => [name, typeof value === "string" ? scrub(value) : value]));
  return new ServiceCallError(failure.code, scrub(failure.message), { status: failure.status, retryable: failure.retryable, retryAfterMs: failure.retryAfterMs, details });
}
