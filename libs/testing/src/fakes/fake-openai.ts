import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { FakeAnswer } from "./fake-google-answers.js";
import { FaultPlan } from "./fake-google-faults.js";
import { chatCompletion, embeddings, models, openAiError, response } from "./fake-openai-answers.js";

/**
 * What the fake OpenAI does instead of answering: an error status with OpenAI's error body (its
 * `message`, `type` and `code`; `retryAfter`: the `Retry-After` header), a delay (ms) before the
 * real answer, or a raw answer: `body` as is under `status` and `contentType` (what a broken gateway
 * or another server at the base URL might send).
 */
export type FakeOpenAiFault =
  | { readonly kind: "status"; readonly status: number; readonly retryAfter?: string; readonly message?: string; readonly type?: string; readonly code?: string | null }
  | { readonly kind: "delay"; readonly ms: number }
  | { readonly kind: "raw"; readonly status: number; readonly contentType: string; readonly body: string };

/** One request the fake received: where, when (epoch ms, on arrival) and with which key. */
export interface FakeOpenAiRequest {
  readonly method: string;
  readonly path: string;
  readonly at: number;
  /** The `Authorization: Bearer` key, or undefined. */
  readonly key: string | undefined;
}

/**
 * An OpenAI stand-in on `127.0.0.1`, in OpenAI's wire format: `POST /v1/chat/completions`, `POST
 * /v1/responses`, `POST /v1/embeddings`, `GET /v1/models` (see `fake-openai-answers.ts`). Every request
 * needs `Authorization: Bearer <a key it accepts>`, else 401 `invalid_api_key` as OpenAI answers it
 * (the key masked). Faults can be injected; requests are recorded.
 */
export interface FakeOpenAi {
  /** The API's base URL, `http://127.0.0.1:port/v1`: the SDK's `baseURL`. */
  readonly baseUrl: string;
  /** The key accepted from the start. */
  readonly apiKey: string;
  /** Accepts `key` too (another namespace's). */
  acceptKey(key: string): void;
  /** Requests received whose path starts with `path` (default `/v1/`), faulted ones included, in arrival order. */
  received(path?: string): FakeOpenAiRequest[];
  /** How many of those. */
  requests(path?: string): number;
  /** The next `times` requests (default: every one) whose path starts with `path` (default: any) get `fault`. */
  inject(fault: FakeOpenAiFault, target?: { path?: string; times?: number }): void;
  clearFaults(): void;
  close(): Promise<void>;
}

/** Starts a fake OpenAI on an ephemeral port. */
export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const apiKey = `sk-fake-${randomBytes(24).toString("base64url")}`;
  const keys = new Set([apiKey]);
  const seen: FakeOpenAiRequest[] = [];
  const faults = new FaultPlan<FakeOpenAiFault>();
  let answered = 0;

  function answer(method: string, path: string, body: Record<string, unknown>): FakeAnswer {
    const id = ++answered;
    if (method === "POST" && path === "/v1/chat/completions") return chatCompletion(body, id);
    if (method === "POST" && path === "/v1/responses") return response(body, id);
    if (method === "POST" && path === "/v1/embeddings") return embeddings(body);
    if (method === "GET" && path === "/v1/models") return models();
    return openAiError(404, `Invalid URL (${method} ${path})`, "invalid_request_error");
  }

  async function serve(request: IncomingMessage, reply: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? "/", "http://fake").pathname;
    const key = /^Bearer (\S+)$/.exec(request.headers.authorization ?? "")?.[1];
    seen.push({ method: request.method ?? "GET", path, at: Date.now(), key });
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const fault = faults.take(path);
    if (fault?.kind === "delay") await faults.sleep(fault.ms);
    if (reply.destroyed) return;
    if (fault?.kind === "raw") {
      reply.writeHead(fault.status, { "content-type": fault.contentType }).end(fault.body);
      return;
    }
    let result: FakeAnswer;
    if (fault?.kind === "status") {
      const headers = fault.retryAfter === undefined ? undefined : { "retry-after": fault.retryAfter };
      const type = fault.type ?? (fault.status === 429 ? "rate_limit_error" : fault.status >= 500 ? "server_error" : "invalid_request_error");
      result = openAiError(fault.status, fault.message ?? `Injected ${fault.status}`, type, fault.code ?? null, null, headers);
    } else if (key === undefined || !keys.has(key)) {
      result = openAiError(401, `Incorrect API key provided: ${masked(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`, "invalid_request_error", "invalid_api_key");
    } else {
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown = {};
      try {
        body = text === "" ? {} : JSON.parse(text);
      } catch {
        body = undefined;
      }
      result =
        typeof body === "object" && body !== null && !Array.isArray(body)
          ? answer(request.method ?? "GET", path, body as Record<string, unknown>)
          : openAiError(400, "We could not parse the JSON body of your request.", "invalid_request_error");
    }
    reply.writeHead(result.status, { "content-type": "application/json", "x-request-id": `req_fake${seen.length}`, ...result.headers }).end(JSON.stringify(result.body));
  }

  const server = createServer((request, reply) => {
    serve(request, reply).catch(() => reply.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  const received = (path = "/v1/") => seen.filter((request) => request.path.startsWith(path));
  return {
    baseUrl,
    apiKey,
    acceptKey: (key) => void keys.add(key),
    received,
    requests: (path) => received(path).length,
    inject: (fault, target = {}) => faults.add(fault, target.path ?? "/", target.times),
    clearFaults: () => faults.clear(),
    async close() {
      faults.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A key as OpenAI shows it in a 401: its first 3 and last 4 characters, the rest starred. */
function masked(key: string | undefined): string {
  if (key === undefined) return "(none)";
  return key.length <= 8 ? "*".repeat(key.length) : `${key.slice(0, 3)}${"*".repeat(key.length - 7)}${key.slice(-4)}`;
}
