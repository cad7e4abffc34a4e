import { ServiceCallError, ServiceCodes } from "./service-error.js";

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_SOCKET", "UND_ERR_CONNECT_TIMEOUT"]);

/**
 * The kit's classification of what a method threw, when the service's own `classify` had nothing to
 * say: an HTTP status (`status`, `statusCode` or `response.status`: 408 → TIMEOUT, 429 →
 * RATE_LIMITED, 5xx → UPSTREAM_5XX, all retryable with `Retry-After` honoured; other 4xx →
 * UPSTREAM_4XX, terminal), a network error code (NETWORK_ERROR, retryable), an abort (TIMEOUT,
 * retryable), a `URIError` (an argument no URL can carry: INVALID_ARGUMENT); anything else is SERVICE_ERROR, terminal, with the error's message only — never its
 * stack, its request or its headers.
 */
export function classifyError(error: unknown): ServiceCallError {
  if (error instanceof ServiceCallError) return error;
  const status = statusOf(error);
  const message = messageOf(error);
  if (status !== undefined) return httpError(status, message, retryAfterOf(error));
  const code = codeOf(error);
  if (code !== undefined && NETWORK_CODES.has(code)) return new ServiceCallError(ServiceCodes.NETWORK_ERROR, `the upstream could not be reached (${code})`, { retryable: true });
  if (isAbort(error)) return new ServiceCallError(ServiceCodes.TIMEOUT, "the upstream did not answer in time", { retryable: true });
  // What an SDK throws building a request from the arguments (a lone surrogate in a URL's part).
  if (error instanceof URIError) return new ServiceCallError(ServiceCodes.INVALID_ARGUMENT, `an argument cannot be sent: ${error.message}`);
  return new ServiceCallError(ServiceCodes.SERVICE_ERROR, message);
}

/** The classified error of an upstream HTTP answer `status` whose body said `message`. */
export function httpError(status: number, message: string, retryAfterMs?: number): ServiceCallError {
  const said = `the upstream answered ${status}: ${message}`;
  if (status === 408) return new ServiceCallError(ServiceCodes.TIMEOUT, said, { status, retryable: true, retryAfterMs });
  if (status === 429) return new ServiceCallError(ServiceCodes.RATE_LIMITED, said, { status, retryable: true, retryAfterMs });
  if (status >= 500) return new ServiceCallError(ServiceCodes.UPSTREAM_5XX, said, { status, retryable: true, retryAfterMs });
  if (status === 401 || status === 403) return new ServiceCallError(ServiceCodes.PERMISSION_DENIED, said, { status });
  return new ServiceCallError(ServiceCodes.UPSTREAM_4XX, said, { status });
}

/** A `Retry-After` header's value (seconds, or an HTTP date) in ms from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === "") return undefined;
  const seconds = Number(value);
  // However far off, a wait is a number of ms (huge ones are refused by the service's longest wait).
  if (Number.isFinite(seconds)) return Math.min(Number.MAX_SAFE_INTEGER, Math.max(0, seconds * 1000));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function statusOf(error: unknown): number | undefined {
  const candidates = [field(error, "status"), field(error, "statusCode"), field(field(error, "response"), "status")];
  return candidates.find((value): value is number => typeof value === "number" && value >= 400 && value <= 599);
}

function retryAfterOf(error: unknown): number | undefined {
  const headers = field(error, "headers") ?? field(field(error, "response"), "headers");
  if (headers === undefined || headers === null) return undefined;
  const read = (headers as { get?: unknown }).get;
  const value = typeof read === "function" ? (read as (name: string) => unknown).call(headers, "retry-after") : field(headers, "retry-after");
  return typeof value === "string" ? parseRetryAfter(value) : undefined;
}

function codeOf(error: unknown): string | undefined {
  const code = field(error, "code") ?? field(field(error, "cause"), "code");
  return typeof code === "string" ? code : undefined;
}

function isAbort(error: unknown): boolean {
  const name = field(error, "name");
  return name === "AbortError" || name === "TimeoutError";
}

function messageOf(error: unknown): string {
  const message = field(error, "message");
  return typeof message === "string" && message !== "" ? message : String(error);
}

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}
