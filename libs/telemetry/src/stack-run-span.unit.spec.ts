import { trace } from "@opentelemetry/api";
import { InMemorySpanExporter, RandomIdGenerator, SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ChosenSpanIds, stackRunSpanId } from "./span-ids.js";
import { recordStackRunSpan } from "./stack-run-span.js";
import { stackRunContext } from "./trace-context.js";
import { useTracing } from "./tracer.js";
import { withSpan } from "./with-span.js";

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const SUBMISSION = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

let exporter: InMemorySpanExporter;
let provider: TracerProvider;

beforeEach(() => {
  exporter = new InMemorySpanExporter();
  const ids = new ChosenSpanIds(new RandomIdGenerator());
  provider = new TracerProvider({ idGenerator: ids, spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  useTracing({ tracer: provider.getTracer("test"), ids, shutdown: () => provider.shutdown() });
});

afterEach(() => useTracing(undefined));

describe("a stack run's span", () => {
  it("has an id any process derives from the stack run id: 16 hex digits, one per stack run", () => {
    expect(stackRunSpanId("01a22f0e-a492-71f1-b0a0-504eeb1aa083")).toMatch(/^[\da-f]{16}$/);
    expect(stackRunSpanId("01a22f0e-a492-71f1-b0a0-504eeb1aa083")).toBe(stackRunSpanId("01a22f0e-a492-71f1-b0a0-504eeb1aa083"));
    expect(stackRunSpanId("01a22f0e-a492-71f1-b0a0-504eeb1aa084")).not.toBe(stackRunSpanId("01a22f0e-a492-71f1-b0a0-504eeb1aa083"));
  });

  it("is the parent its activations named before it was recorded, from its creation to its end, under its parent stack run's", async () => {
    await withSpan("activation start", { parent: stackRunContext(SUBMISSION, "child") }, async () => undefined);
    recordStackRunSpan(
      () => ({ stackRunId: "child", parentStackRunId: "root", traceparent: SUBMISSION, createdAt: "2026-01-01T00:00:00.000Z", name: "task child", attributes: {}, outcome: { ok: false, code: "BOOM" } }),
      Date.parse("2026-01-01T00:00:02.000Z"),
    );
    recordStackRunSpan(() => ({ stackRunId: "root", parentStackRunId: null, traceparent: SUBMISSION, createdAt: "2026-01-01T00:00:00.000Z", name: "task root", attributes: {}, outcome: { ok: true } }));
    await provider.forceFlush();
    const [activation, child, root] = exporter.getFinishedSpans();
    expect(activation!.parentSpanContext?.spanId).toBe(stackRunSpanId("child"));
    expect(child!.spanContext()).toMatchObject({ traceId: TRACE_ID, spanId: stackRunSpanId("child") });
    expect(child!.parentSpanContext?.spanId).toBe(stackRunSpanId("root"));
    expect(child!.attributes).toMatchObject({ "tasker.outcome": "failed", "error.type": "BOOM" });
    expect(child!.duration).toEqual([2, 0]);
    expect(root!.spanContext().spanId).toBe(stackRunSpanId("root"));
    expect(root!.parentSpanContext?.spanId).toBe("00f067aa0ba902b7");
  });

  it("is not recorded, nor are its activations, for a run that is not traced", async () => {
    await withSpan("activation start", { parent: stackRunContext(null, "child") }, async (span) => expect(span).toBeUndefined());
    recordStackRunSpan(() => ({ stackRunId: "root", parentStackRunId: null, traceparent: null, createdAt: "2026-01-01T00:00:00.000Z", name: "task root", attributes: {}, outcome: { ok: true } }));
    await provider.forceFlush();
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});
