import { BadRequestException, HttpException, NotFoundException } from "@nestjs/common";
import { ValidationError } from "@tasker/contracts";
import { describe, expect, it } from "vitest";
import { ApiError } from "./api-error.js";
import { errorResponse } from "./error-response.js";

/** What body-parser throws: an http-errors error with a `type`, which Nest wraps as the cause. */
function bodyParserError(type: string, status: number, extra: Record<string, unknown> = {}): HttpException {
  const cause = Object.assign(new Error("raw message"), { type, status, statusCode: status, ...extra });
  return new HttpException("raw message", status, { cause });
}

describe("errorResponse", () => {
  it("answers the API's own errors as raised", () => {
    expect(errorResponse(new ApiError(404, "TASK_NOT_FOUND", "no task x", "taskName"))).toEqual({
      status: 404,
      body: { error: { code: "TASK_NOT_FOUND", message: "no task x", field: "taskName" } },
      unexpected: false,
    });
    expect(errorResponse(new ValidationError("input: too deep", "input")).body.error).toEqual({ code: "VALIDATION_FAILED", message: "input: too deep", field: "input" });
  });

  it("maps what the body parser refused", () => {
    expect(errorResponse(bodyParserError("entity.parse.failed", 400))).toMatchObject({ status: 400, body: { error: { code: "INVALID_JSON", field: "body" } } });
    const tooLarge = errorResponse(bodyParserError("entity.too.large", 413, { limit: 1024 }));
    expect(tooLarge).toMatchObject({ status: 413, body: { error: { code: "PAYLOAD_TOO_LARGE", field: "body" } } });
    expect(tooLarge.body.error.message).toContain("1024 bytes");
    expect(errorResponse(bodyParserError("charset.unsupported", 415)).status).toBe(415);
  });

  it("never quotes the body of a request that is not JSON (it may hold a secret)", () => {
    const echoing = bodyParserError("entity.parse.failed", 400);
    (echoing.cause as Error).message = `Unexpected token 's', "{"value": sk-secret}" is not valid JSON`;
    expect(errorResponse(echoing).body.error.message).toBe("the body is not valid JSON: unexpected token");
    const positioned = bodyParserError("entity.parse.failed", 400);
    (positioned.cause as Error).message = "Unterminated string in JSON at position 20 (line 1 column 21)";
    expect(errorResponse(positioned).body.error.message).toBe("the body is not valid JSON: Unterminated string in JSON at position 20 (line 1 column 21)");
  });

  it("gives Nest's HTTP exceptions a code", () => {
    expect(errorResponse(new NotFoundException("Cannot GET /x")).body.error).toEqual({ code: "NOT_FOUND", message: "Cannot GET /x" });
    expect(errorResponse(new BadRequestException(["a", "b"])).body.error).toEqual({ code: "BAD_REQUEST", message: "a; b" });
  });

  it("answers anything else as a 500 that tells nothing of the cause", () => {
    const answer = errorResponse(new Error("password=hunter2 in a driver message"));
    expect(answer).toMatchObject({ status: 500, unexpected: true, body: { error: { code: "INTERNAL" } } });
    expect(answer.body.error.message).not.toContain("hunter2");
  });
});
