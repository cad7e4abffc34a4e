import { parseRetryAfter, ServiceCallError, ServiceCodes } from "@tasker/service-kit";
import { googleErrorOf } from "./google-error-body.js";

/** System and undici error codes that mean the request never got an answer. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "EPIPE",
  "ECONNABORTED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

/** Google's 403 reasons that mean "slow down", not "not allowed". */
const RATE_LIMIT_REASONS = new Set(["rateLimitExceeded", "userRateLimitExceeded"]);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  response?: { status?: unknown; headers?: unknown; data?: unknown };
  config?: { signal?: AbortSignal };
}

/**
 * Maps what googleapis/gaxios throws to a `ServiceCallError`: 429 (and 403 `rateLimitExceeded`) →
 * `RATE_LIMITED` retryable with `retryAfterMs`; 408 → `TIMEOUT` and 5xx → `UPSTREAM_5XX`, retryable;
 * 401/403 → `PERMISSION_DENIED`, other 4xx → `UPSTREAM_4XX`, terminal, with the status and Google's
 * own message; an aborted request → `TIMEOUT` retryable; a network failure → `NETWORK_ERROR`
 * retryable; an unreadable body → `UPSTREAM_FORMAT`; a required parameter missing → `INVALID_ARGUMENT`. Undefined for anything else (the kit's
 * fallback classifies it). Messages hold Google's words and codes only: never a header, token, key,
 * stack or SDK object.
 */
export function classifyGapiError(error: unknown): ServiceCallError | undefined {
  if (error instanceof ServiceCallError) return error;
  if (typeof error !== "object" || error === null) return undefined;
  const e = error as ErrorLike;
  if (typeof e.response?.status === "number") return classifyAnswer(e.response.status, e.response.headers, e.response.data);
  if (isAbort(e)) return new ServiceCallError(ServiceCodes.TIMEOUT, "the Google API request was aborted: the attempt's time ran out", { retryable: true });
  const network = networkCode(e);
  if (network) return new ServiceCallError(ServiceCodes.NETWORK_ERROR, `the Google API could not be reached (${network})`, { retryable: true });
  // googleapis checks a method's required parameters before sending anything.
  if (typeof e.message === "string" && /^Missing required parameters: [\w, ]+$/.test(e.message)) {
    return new ServiceCallError(ServiceCodes.INVALID_ARGUMENT, `the Google method needs parameters it was not given (${e.message.slice(29)})`);
  }
  if (e.name === "SyntaxError" || e.cause instanceof SyntaxError) {
    return new ServiceCallError(ServiceCodes.UPSTREAM_FORMAT, "the Google API answered a body that is not JSON");
  }
  return undefined;
}

function classifyAnswer(status: number, headers: unknown, data: unknown): ServiceCallError {
  const google = googleErrorOf(data);
  const said = google.message ? `: ${google.message}` : "";
  const details = { ...(google.reason && { reason: google.reason }), ...(google.status && { googleStatus: google.status }) };
  const options = { status, details };
  if (status === 429 || (status === 403 && google.reason !== undefined && RATE_LIMIT_REASONS.has(google.reason))) {
    return new ServiceCallError(ServiceCodes.RATE_LIMITED, `Google rate-limited the request (${status})${said}`, {
      ...options,
      retryable: true,
      retryAfterMs: parseRetryAfter(headerOf(headers, "retry-after")),
    });
  }
  if (status === 408) return new ServiceCallError(ServiceCodes.TIMEOUT, `Google timed the request out (408)${said}`, { ...options, retryable: true });
  if (status >= 500) return new ServiceCallError(ServiceCodes.UPSTREAM_5XX, `Google answered ${status}${said}`, { ...options, retryable: true });
  if (status === 401 || status === 403) return new ServiceCallError(ServiceCodes.PERMISSION_DENIED, `Google denied the request (${status})${said}`, options);
  if (status >= 400) return new ServiceCallError(ServiceCodes.UPSTREAM_4XX, `Google answered ${status}${said}`, options);
  return new ServiceCallError(ServiceCodes.UPSTREAM_FORMAT, `Google answered an unexpected status ${status}`, options);
}

function isAbort(e: ErrorLike): boolean {
  return e.name === "AbortError" || e.code === "AbortError" || e.code === "TimeoutError" || e.config?.signal?.aborted === true;
}

/** The first network error code on the error or its causes. */
function networkCode(e: ErrorLike): string | undefined {
  for (let cause: unknown = e, depth = 0; typeof cause === "object" && cause !== null && depth < 4; depth++) {
    const code = (cause as ErrorLike).code;
    if (typeof code === "string" && NETWORK_CODES.has(code)) return code;
    cause = (cause as ErrorLike).cause;
  }
  return e.message === "fetch failed" ? "fetch failed" : undefined;
}

// gaxios answers with node-fetch's Headers on Node (not the global class), a plain object elsewhere.
function headerOf(headers: unknown, name: string): string | undefined {
  if (typeof (headers as Headers | undefined)?.get === "function") return (headers as Headers).get(name) ?? undefined;
  if (typeof headers === "object" && headers !== null) {
    const value = (headers as Record<string, unknown>)[name];
    return typeof value === "string" ? value : undefined;
  }
  return undefined;
}
