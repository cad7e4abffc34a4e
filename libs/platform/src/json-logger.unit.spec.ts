import { AsyncLocalStorage } from "node:async_hooks";
import { type Context, context, type ContextManager, ROOT_CONTEXT, trace } from "@opentelemetry/api";
import { runHandling } from "@tasker/bus";
import { describe, expect, it, vi } from "vitest";
import { JsonLogger } from "./json-logger.js";

/** What `write` printed on `stream` while it ran, one parsed object per line. */
function printed(stream: "stdout" | "stderr", write: () => void): Record<string, unknown>[] {
  const lines: string[] = [];
  vi.spyOn(process[stream], "write").mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
  try {
    write();
  } finally {
    vi.restoreAllMocks();
  }
  return lines.flatMap((chunk) => chunk.split("\n").filter((line) => line !== "")).map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("JsonLogger", () => {
  it("writes one object per line with time, level, service, message and context, and no run outside a handling", () => {
    const logger = new JsonLogger("timers");
    const [line, ...others] = printed("stdout", () => logger.warn("a timer fired late", "timer-poller"));
    expect(others).toEqual([]);
    expect(line).toMatchObject({ level: "warn", service: "timers", message: "a timer fired late", context: "timer-poller" });
    expect(new Date(line!["time"] as string).toISOString()).toBe(line!["time"]);
    expect(line).not.toHaveProperty("taskRunId");
    expect(line).not.toHaveProperty("traceId");
    expect(printed("stdout", () => logger.log("up"))[0]).toMatchObject({ level: "info", message: "up" });
  });

  it("names the run and the service handling it, and keeps an error's stack in the line", () => {
    const logger = new JsonLogger("tasker-dev");
    const [line, ...others] = printed("stderr", () =>
      runHandling({ service: "executor", taskRunId: "run-1", stackRunId: "stack-1" }, () => logger.error("it broke", "Error: it broke\n    at somewhere", "Server")),
    );
    expect(others).toEqual([]);
    expect(line).toMatchObject({ level: "error", service: "executor", message: "it broke", context: "Server", taskRunId: "run-1", stackRunId: "stack-1" });
    expect(line!["stack"]).toContain("at somewhere");
  });

  it("carries the trace id of the active span", () => {
    // What the OpenTelemetry SDK's AsyncLocalStorage context manager does, without the SDK.
    const storage = new AsyncLocalStorage<Context>();
    const manager: ContextManager = {
      active: () => storage.getStore() ?? ROOT_CONTEXT,
      with: (active, fn, thisArg, ...args) => storage.run(active, () => fn.call(thisArg, ...args)),
      bind: (_active, target) => target,
      enable: () => manager,
      disable: () => manager,
    };
    context.setGlobalContextManager(manager);
    try {
      const traceId = "0af7651916cd43dd8448eb211c80319c";
      const span = trace.wrapSpanContext({ traceId, spanId: "b7ad6b7169203331", traceFlags: 1 });
      const logger = new JsonLogger("executor");
      const [line] = printed("stdout", () => context.with(trace.setSpan(context.active(), span), () => logger.warn("in a span")));
      expect(line).toMatchObject({ message: "in a span", traceId });
    } finally {
      context.disable();
    }
  });
});
