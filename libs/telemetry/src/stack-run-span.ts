import { type Attributes, SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { contextOf, stackRunContext } from "./trace-context.js";
import { stackRunSpanId } from "./span-ids.js";
import { activeTracing } from "./tracer.js";

/** A stack run that ended, as its span shows it. */
export interface EndedStackRun {
  readonly stackRunId: string;
  readonly parentStackRunId: string | null;
  /**
   * The `traceparent` of its `stack.created`: its trace, and for a root (no parent stack run) its
   * parent span, the gateway's submission. Null: its run is not traced, and no span is recorded.
   */
  readonly traceparent: string | null;
  /** Its `stack.created`'s `recordedAt` (ISO-8601): the span's start; null (not known): no span. */
  readonly createdAt: string | null;
  /** Its span's name: `stackRunSpanName`. */
  readonly name: string;
  readonly attributes: Attributes;
  /** Its outcome: `completed`, or the error code it failed with. */
  readonly outcome: { readonly ok: true } | { readonly ok: false; readonly code: string };
}

/**
 * Records the span of a stack run that just ended (what `describe` says: called only when tracing),
 * from its creation to now, with id
 * `stackRunSpanId(stackRunId)` (which its activations, attempts and children named as their parent
 * meanwhile) under its parent stack run's span, or, for a root, under the span its `stack.created`
 * names. Called once, by whichever process records the end. Nothing without tracing.
 */
export function recordStackRunSpan(describe: () => EndedStackRun, endTime = Date.now()): void {
  const tracing = activeTracing();
  if (!tracing) return;
  const run = describe();
  const { traceparent, createdAt } = run;
  if (!traceparent || !createdAt) return;
  const parent = run.parentStackRunId ? stackRunContext(traceparent, run.parentStackRunId)! : contextOf(traceparent);
  const attributes = { ...run.attributes, "tasker.outcome": run.outcome.ok ? "completed" : "failed", ...(!run.outcome.ok && { "error.type": run.outcome.code }) };
  const span = tracing.ids.withSpanId(stackRunSpanId(run.stackRunId), () =>
    tracing.tracer.startSpan(run.name, { kind: SpanKind.INTERNAL, startTime: Date.parse(createdAt), attributes }, parent),
  );
  if (!run.outcome.ok) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end(endTime);
}
