import { type Context, context, defaultTextMapGetter, defaultTextMapSetter, ROOT_CONTEXT, trace, TraceFlags } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { stackRunSpanId } from "./span-ids.js";
import { activeTracing } from "./tracer.js";

/** W3C trace context, whatever propagators the process configured: what event metadata holds. */
const w3c = new W3CTraceContextPropagator();

/** The context a W3C `traceparent` names (a remote parent); the root context for none. */
export function contextOf(traceparent: string | null | undefined): Context {
  return traceparent ? w3c.extract(ROOT_CONTEXT, { traceparent }, defaultTextMapGetter) : ROOT_CONTEXT;
}

/** The W3C `traceparent` of the span active in `ctx` (by default, now); null when none is, or this process does not trace. */
export function traceparentOf(ctx: Context = context.active()): string | null {
  if (!activeTracing() || !trace.getSpanContext(ctx)) return null;
  const carrier: { traceparent?: string } = {};
  w3c.inject(ctx, carrier, defaultTextMapSetter);
  return carrier.traceparent ?? null;
}

/**
 * The context of stack run `stackRunId`'s span (`stackRunSpanId`) in the trace `traceparent` belongs
 * to (the `traceparent` of the events of its run): the parent of its activations, its attempts and
 * its children's spans. Null when `traceparent` is null: the run is not traced (see `SpanSpec.parent`).
 */
export function stackRunContext(traceparent: string | null | undefined, stackRunId: string): Context | null {
  const known = trace.getSpanContext(contextOf(traceparent));
  if (!known) return null;
  return trace.setSpanContext(ROOT_CONTEXT, { traceId: known.traceId, spanId: stackRunSpanId(stackRunId), traceFlags: TraceFlags.SAMPLED, isRemote: true });
}
