import { parseRetryAfter, ServiceCallError, ServiceCodes } from "@tasker/service-kit";
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import { openAiErrorOf } from "./openai-error-body.js";

/**
 * Maps what the openai SDK throws to a `ServiceCallError`:
 * - 429 → `RATE_LIMITED`, retryable after `Retry-After` (or OpenAI's `retry-after-ms`); but 429
 *   `insufficient_quota` (no credit left) is terminal, waiting does not help;
 * - 408 → `TIMEOUT`, 409 (OpenAI's lock timeout) → `UPSTREAM_4XX`, 5xx → `UPSTREAM_5XX`, all retryable;
 * - every other 4xx (400, 401, 403, 404, 422) → `UPSTREAM_4XX`, terminal;
 * each with `status`, OpenAI's message in the message and its `type`, `code`, `param` in details;
 * - an aborted request → `TIMEOUT`, a connection timeout → `TIMEOUT`, a connection failure →
 *   `NETWORK_ERROR`, retryable;
 * - a JSON body that does not parse (the SDK's `SyntaxError`) → `UPSTREAM_FORMAT`, terminal, quoting
 *   none of the body: the parser's message shows its first characters, which may echo the key.
 * Undefined for anything else (the kit's fallback classifies it). Messages hold OpenAI's words only,
 * never a header or the request; OpenAI's own 401 message masks the key, and the handlers scrub the
 * key from whatever an error says besides.
 */
export function classifyOpenAiError(error: unknown): ServiceCallError | undefined {
  if (error instanceof ServiceCallError) return error;
  if (error instanceof APIUserAbortError) return new ServiceCallError(ServiceCodes.TIMEOUT, "the OpenAI request was aborted: the attempt's time ran out", { retryable: true });
  if (error instanceof APIConnectionTimeoutError) return new ServiceCallError(ServiceCodes.TIMEOUT, "the OpenAI request timed out", { retryable: true });
  if (error instanceof APIConnectionError) return new ServiceCallError(ServiceCodes.NETWORK_ERROR, `the OpenAI API could not be reached (${connectionCause(error)})`, { retryable: true });
  if (error instanceof APIError && typeof error.status === "number") return classifyAnswer(error);
  if (error instanceof SyntaxError) {
    return new ServiceCallError(ServiceCodes.UPSTREAM_FORMAT, "OpenAI answered a body that is not valid JSON: is OPENAI_BASE_URL an OpenAI-compatible API?");
  }
  return undefined;
}

function classifyAnswer(error: APIError): ServiceCallError {
  const status = error.status!;
  const facts = openAiErrorOf(error.error);
  const kind = [facts.type, facts.code].filter(Boolean).join(", ");
  const said = `OpenAI answered ${status}${kind ? ` (${kind})` : ""}${facts.message ? `: ${facts.message}` : ""}`;
  const details = { ...(facts.type && { type: facts.type }), ...(facts.code && { openaiCode: facts.code }), ...(facts.param && { param: facts.param }) };
  const options = { status, details };
  if (status === 429) {
    const retryable = facts.code !== "insufficient_quota";
    return new ServiceCallError(ServiceCodes.RATE_LIMITED, said, { ...options, retryable, retryAfterMs: retryable ? retryAfterOf(error.headers) : undefined });
  }
  if (status === 408) return new ServiceCallError(ServiceCodes.TIMEOUT, said, { ...options, retryable: true, retryAfterMs: retryAfterOf(error.headers) });
  if (status === 409) return new ServiceCallError(ServiceCodes.UPSTREAM_4XX, said, { ...options, retryable: true, retryAfterMs: retryAfterOf(error.headers) });
  if (status >= 500) return new ServiceCallError(ServiceCodes.UPSTREAM_5XX, said, { ...options, retryable: true, retryAfterMs: retryAfterOf(error.headers) });
  if (status >= 400) return new ServiceCallError(ServiceCodes.UPSTREAM_4XX, said, options);
  return new ServiceCallError(ServiceCodes.UPSTREAM_FORMAT, `OpenAI answered an unexpected status ${status}`, options);
}

/** OpenAI's `retry-after-ms`, else the standard `Retry-After` (seconds or an HTTP date), in ms. */
function retryAfterOf(headers: Headers | undefined): number | undefined {
  const text = headers?.get("retry-after-ms")?.trim();
  const ms = text ? Number(text) : Number.NaN;
  if (Number.isFinite(ms) && ms >= 0) return ms;
  return parseRetryAfter(headers?.get("retry-after"));
}

/** The system code under a connection failure (`ECONNREFUSED`), or the SDK's words. */
function connectionCause(error: APIConnectionError): string {
  for (let cause: unknown = error.cause, depth = 0; typeof cause === "object" && cause !== null && depth < 4; depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === "string") return code;
    cause = (cause as { cause?: unknown }).cause;
  }
  return error.message;
}
