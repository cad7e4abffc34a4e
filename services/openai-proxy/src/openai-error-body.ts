/** What an OpenAI error body (`{error: {message, type, code, param}}`) says, in words safe to show a task. */
export interface OpenAiErrorFacts {
  /** `error.message`, at most 500 characters. */
  readonly message?: string;
  /** `error.type`: `invalid_request_error`, `rate_limit_error`, `server_error`, ... */
  readonly type?: string;
  /** `error.code`: `invalid_api_key`, `model_not_found`, `insufficient_quota`, ... */
  readonly code?: string;
  /** `error.param`: the request field the error is about. */
  readonly param?: string;
}

const MAX_MESSAGE = 500;

/**
 * Reads the body the openai SDK keeps as an `APIError`'s `error` (the body's `error` object, or the
 * whole body when it had none). Anything else gives no facts.
 */
export function openAiErrorOf(body: unknown): OpenAiErrorFacts {
  if (typeof body !== "object" || body === null) return {};
  const inner = (body as { error?: unknown }).error;
  const error = (typeof inner === "object" && inner !== null ? inner : body) as Record<string, unknown>;
  const text = (key: string) => (typeof error[key] === "string" && error[key] !== "" ? (error[key] as string) : undefined);
  const message = text("message");
  return {
    ...(message !== undefined && { message: message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message }),
    ...(text("type") !== undefined && { type: text("type") }),
    ...(text("code") !== undefined && { code: text("code") }),
    ...(text("param") !== undefined && { param: text("param") }),
  };
}
