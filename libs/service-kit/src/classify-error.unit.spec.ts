import { describe, expect, it } from "vitest";
import { classifyError, parseRetryAfter } from "./classify-error.js";
import { ServiceCallError } from "./service-error.js";
import { serviceSettings } from "./service-settings.js";

describe("classifyError: what an SDK threw, classified at the source", () => {
  it.each([
    [{ status: 429, message: "slow down", headers: new Headers({ "retry-after": "3" }) }, "RATE_LIMITED", true, 3000],
    [{ response: { status: 503 }, message: "unavailable" }, "UPSTREAM_5XX", true, undefined],
    [{ statusCode: 408, message: "request timeout" }, "TIMEOUT", true, undefined],
    [{ status: 404, message: "no such user" }, "UPSTREAM_4XX", false, undefined],
    [{ status: 403, message: "forbidden" }, "PERMISSION_DENIED", false, undefined],
    [Object.assign(new Error("connect"), { code: "ECONNREFUSED" }), "NETWORK_ERROR", true, undefined],
    [new DOMException("aborted", "AbortError"), "TIMEOUT", true, undefined],
    [new TypeError("x is not a function"), "SERVICE_ERROR", false, undefined],
  ])("%o → %s", (thrown, code, retryable, retryAfterMs) => {
    const failure = classifyError(thrown);
    expect(failure).toBeInstanceOf(ServiceCallError);
    expect({ code: failure.code, retryable: failure.retryable, retryAfterMs: failure.retryAfterMs }).toEqual({ code, retryable, retryAfterMs });
  });

  it("keeps the upstream's status and message, never its stack or headers", () => {
    const failure = classifyError({ status: 400, message: "Invalid customer id", headers: { authorization: "Bearer abc" }, stack: "at host.js:1" });
    expect(failure.status).toBe(400);
    expect(failure.message).toBe("the upstream answered 400: Invalid customer id");
    expect(JSON.stringify({ ...failure, message: failure.message })).not.toMatch(/Bearer|host\.js/);
  });

  it("reads Retry-After as seconds or an HTTP date", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("2", now)).toBe(2000);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:05 GMT", now)).toBe(5000);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
  });
});

describe("serviceSettings", () => {
  it("takes a service's defaults over the kit's, each overridden by <SERVICE>_*", () => {
    expect(serviceSettings("gapi", { timeoutMs: 20_000 }, { GAPI_MAX_ATTEMPTS: "2", GAPI_RATE_PER_SECOND: "10" })).toEqual({
      timeoutMs: 20_000,
      maxAttempts: 2,
      concurrency: 16,
      ratePerSecond: 10,
      maxResultBytes: 1024 * 1024,
      maxRetryDelayMs: 300_000,
    });
  });

  it("names the variable that is wrong", () => {
    expect(() => serviceSettings("web-search", {}, { WEB_SEARCH_TIMEOUT_MS: "soon" })).toThrow(/WEB_SEARCH_TIMEOUT_MS: must be an integer of at least 1/);
  });
});
