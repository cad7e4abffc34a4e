import { TaskerError } from "@tasker/contracts";
import { describe, expect, it } from "vitest";
import { isTransient } from "./transient-error.js";

const withCode = (code: string, message = "failed") => Object.assign(new Error(message), { code });
const named = (name: string) => Object.assign(new Error(name), { name });
/** What TypeORM throws: its own error, the driver's inside. */
const queryFailed = (driverError: Error) => Object.assign(new Error(driverError.message), { name: "QueryFailedError", driverError });

describe("isTransient", () => {
  it.each(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENOTFOUND", "EAI_AGAIN"])("holds for a Node system error %s", (code) => {
    expect(isTransient(withCode(code))).toBe(true);
  });

  it.each(["08006", "08001", "08P01", "53300", "53100", "57P01", "57P02", "57P03", "57P05"])("holds for PostgreSQL's %s, seen through TypeORM", (sqlstate) => {
    expect(isTransient(queryFailed(withCode(sqlstate)))).toBe(true);
  });

  it.each(["Connection terminated unexpectedly", "Connection terminated", "Connection terminated due to connection timeout"])("holds for pg's %s", (message) => {
    expect(isTransient(new Error(message))).toBe(true);
    expect(isTransient(queryFailed(new Error(message)))).toBe(true);
  });

  it.each(["TimeoutError", "ClosedConnectionError", "NoResponders"])("holds for a NATS %s, also as the cause of a request error", (name) => {
    expect(isTransient(named(name))).toBe(true);
    expect(isTransient(new Error("request failed", { cause: named(name) }))).toBe(true);
  });

  it("holds deep in a chain of causes", () => {
    expect(isTransient(new Error("a", { cause: new Error("b", { cause: withCode("ECONNRESET") }) }))).toBe(true);
  });

  it.each([
    ["a unique violation", queryFailed(withCode("23505"))],
    ["a database that was dropped", queryFailed(withCode("57P04"))],
    ["a syntax error", queryFailed(withCode("42601"))],
    ["a file that is missing", withCode("ENOENT")],
    ["a plain error", new Error("Connection to the upstream API failed")],
    ["a Tasker error", new TaskerError("UPSTREAM_DOWN", "503", "retryable")],
    ["a string", "ECONNREFUSED"],
    ["nothing", undefined],
  ])("does not hold for %s", (_what, error) => {
    expect(isTransient(error)).toBe(false);
  });

  it("ends on a cycle of causes", () => {
    const error: Error & { cause?: unknown } = new Error("again");
    error.cause = error;
    expect(isTransient(error)).toBe(false);
  });
});
