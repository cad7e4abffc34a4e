export { startTracing } from "./start-tracing.js";
export { OTLP_PROTOCOLS, tracingWanted } from "./tracing-settings.js";
export { activeTracing, shutdownTracing } from "./tracer.js";
export { stackRunSpanId } from "./span-ids.js";
export { contextOf, stackRunContext, traceparentOf } from "./trace-context.js";
export { errorType, type SpanSpec, withSpan } from "./with-span.js";
export { type EndedStackRun, recordStackRunSpan } from "./stack-run-span.js";
export { type NamedStackRun, stackRunSpanName, stackRunTraceparent } from "./stack-run-names.js";
export { SpanKind, SpanStatusCode } from "@opentelemetry/api";
