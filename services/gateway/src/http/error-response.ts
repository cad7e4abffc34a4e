import { HttpException } from "@nestjs/common";
import { type ApiErrorBody, ValidationError } from "@tasker/contracts";
import { ApiError } from "./api-error.js";

export interface ErrorResponse {
  readonly status: number;
  readonly body: ApiErrorBody;
  /** Not the client's fault: worth a line in the gateway's log. */
  readonly unexpected: boolean;
}

/** The errors `body-parser` raises, by their `type`. */
const BODY_ERRORS: Record<string, { status: number; code: string; message: (error: BodyParserError) => string }> = {
  "entity.parse.failed": { status: 400, code: "INVALID_JSON", message: (error) => `the body is not valid JSON: ${withoutEcho(error.message)}` },
  "entity.too.large": {
    status: 413,
    code: "PAYLOAD_TOO_LARGE",
    message: (error) => `the body is larger than the limit of ${error.limit} bytes; send less data in one request`,
  },
  "entity.verify.failed": { status: 400, code: "INVALID_BODY", message: (error) => error.message },
  "request.aborted": { status: 400, code: "REQUEST_ABORTED", message: () => "the request was aborted before its body arrived" },
  "request.size.invalid": { status: 400, code: "INVALID_BODY", message: () => "the body's length does not match its Content-Length" },
  "encoding.unsupported": { status: 415, code: "UNSUPPORTED_MEDIA_TYPE", message: (error) => `${error.message}; send the body as identity, gzip or deflate` },
  "charset.unsupported": { status: 415, code: "UNSUPPORTED_MEDIA_TYPE", message: (error) => `${error.message}; send JSON as UTF-8` },
};

/**
 * A JSON parse error's message without the piece of the body V8 quotes in it (`Unexpected token 'x',
 * "{"value": x..." is not valid JSON`): a body may hold a secret (`PUT /keys/:name`), and no answer
 * repeats one. Messages that give a position instead are kept as they are.
 */
function withoutEcho(message: string): string {
  return message.replace(/^Unexpected token .*, ".*" is not valid JSON$/s, "unexpected token");
}

interface BodyParserError {
  type: string;
  message: string;
  limit?: number;
  /** The raw body, on `entity.parse.failed`. */
  body?: string;
}

/**
 * What a body the parser refused holds when it is valid JSON but no object or array (the parser is
 * strict): `null`, `a string`, ..., for a message that says so rather than "not valid JSON".
 */
function scalarBodyKind(error: BodyParserError): string | undefined {
  if (error.type !== "entity.parse.failed" || typeof error.body !== "string") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(error.body);
  } catch {
    return undefined;
  }
  return value === null ? "null" : `a ${typeof value}`;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  const type: unknown = error instanceof Error ? (error as Error & { type?: unknown }).type : undefined;
  return typeof type === "string" && Object.hasOwn(BODY_ERRORS, type);
}

/** zlib's errors (`Z_DATA_ERROR`, `Z_BUF_ERROR`, ...), which the body parser passes on for a bad gzip/deflate/br body. */
function isDecompressionError(error: unknown): error is Error {
  return error instanceof Error && /^(Z|ERR)_/.test(String((error as Error & { code?: unknown }).code ?? ""));
}

const STATUS_CODES: Record<number, string> = {
  400: "BAD_REQUEST",
  404: "NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
  503: "SERVICE_UNAVAILABLE",
};

function httpExceptionMessage(exception: HttpException): string {
  const response = exception.getResponse();
  const message = typeof response === "object" && response !== null ? (response as { message?: unknown }).message : response;
  return Array.isArray(message) ? message.join("; ") : String(message ?? exception.message);
}

function answer(status: number, code: string, message: string, field?: string): ErrorResponse {
  return { status, body: { error: field === undefined ? { code, message } : { code, message, field } }, unexpected: false };
}

/**
 * What the API answers for a thrown value: its own errors as raised, a request body the parser
 * refused as 400/413/415, Nest's HTTP exceptions (unknown route, ...) with a code, and anything else
 * as a 500 that says no more than that (the details go to the log, never to the client).
 */
export function errorResponse(error: unknown): ErrorResponse {
  if (error instanceof ApiError) return answer(error.status, error.code, error.message, error.field);
  if (error instanceof ValidationError) return answer(400, error.code, error.message, error.field);
  // Nest hands on what the body parser or the router refused as an HttpException caused by it.
  const cause = error instanceof HttpException ? error.cause : error;
  if (isBodyParserError(cause)) {
    const scalar = scalarBodyKind(cause);
    if (scalar !== undefined) return answer(400, "VALIDATION_FAILED", `the body is ${scalar}; it must be a JSON object`, "body");
    const known = BODY_ERRORS[cause.type]!;
    return answer(known.status, known.code, known.message(cause), "body");
  }
  if (isDecompressionError(cause)) {
    return answer(400, "INVALID_BODY", `the body could not be decompressed as its Content-Encoding says: ${cause.message}`, "body");
  }
  if (cause instanceof URIError) return answer(400, "INVALID_URL", "the URL has an invalid percent-encoding");
  if (error instanceof HttpException) {
    const status = error.getStatus();
    return answer(status, STATUS_CODES[status] ?? `HTTP_${status}`, httpExceptionMessage(error));
  }
  return { ...answer(500, "INTERNAL", "the gateway failed unexpectedly; the request may be retried, and the gateway's log has the details"), unexpected: true };
}
