import { type Attributes, type Context, context, type Span, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { activeTracing } from "./tracer.js";

/**
 * What a span of Tasker's own is: its kind, attributes, start, and parent: by default the active
 * span; null when the work belongs to a run that is not traced (no span then).
 */
export interface SpanSpec {
  readonly kind?: SpanKind;
  readonly attributes?: Attributes;
  /** Epoch ms; now by default. */
  readonly startTime?: number;
  readonly parent?: Context | null;
  /** Only under a span: work done outside any (pollers, sweeps) is not traced. */
  readonly requireParent?: boolean;
}

/**
 * Runs `work` inside span `name` (`specified`, or what it makes: called only when tracing), active
 * meanwhile (its logs and the spans of its database queries and requests are its children); the span
 * ends when `work` settles, with status ERROR and `error.type` (the error's `code`, else its class
 * name, never its message) when it throws. Without tracing, just calls `work`: one check.
 */
export function withSpan<T>(name: string, specified: SpanSpec | (() => SpanSpec), work: (span: Span | undefined) => Promise<T>): Promise<T> {
  const tracing = activeTracing();
  if (!tracing) return work(undefined);
  const spec = typeof specified === "function" ? specified() : specified;
  if (spec.parent === null) return work(undefined);
  const parent = spec.parent ?? context.active();
  if (spec.requireParent && !trace.getSpan(parent)) return work(undefined);
  const span = tracing.tracer.startSpan(name, { kind: spec.kind ?? SpanKind.INTERNAL, ...(spec.attributes && { attributes: spec.attributes }), ...(spec.startTime !== undefined && { startTime: spec.startTime }) }, parent);
  return inSpan(span, trace.setSpan(parent, span), work);
}

async function inSpan<T>(span: Span, active: Context, work: (span: Span) => Promise<T>): Promise<T> {
  try {
    return await context.with(active, () => work(span));
  } catch (error) {
    span.setAttribute("error.type", errorType(error));
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw error;
  } finally {
    span.end();
  }
}

/** What an error is called on a span: its `code` (Tasker's errors, drivers'), else its class name. */
export function errorType(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && code.length > 0) return code;
  return error instanceof Error ? error.constructor.name : "unknown";
}
