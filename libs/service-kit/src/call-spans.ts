import type { RecordedEvent, StackCreated } from "@tasker/contracts";
import type { Outcome, StackRunState } from "@tasker/run-model";
import { recordStackRunSpan, SpanKind, SpanStatusCode, stackRunContext, stackRunSpanName, withSpan } from "@tasker/telemetry";

/** What the spans of a wrapped-service call say about it: the run, the call, the service and method. */
function callAttributes(event: RecordedEvent<StackCreated>): Record<string, string | number> {
  const { stackRunId, service, method, seq } = event.data;
  return {
    "tasker.task_run.id": event.metadata.correlationId ?? "",
    "tasker.stack_run.id": stackRunId,
    "tasker.service": service,
    "tasker.method": method.join("."),
    ...(seq !== null && { "tasker.seq": seq }),
  };
}

/**
 * Runs one attempt of a call (`work`) in span `<service>/<method>` (RPC conventions, kind CLIENT:
 * the upstream's requests are its children), under the call's stack run span; status ERROR with
 * `error.type` when the attempt failed (`work` answers `{ ok: false, failure }`).
 */
export function inAttemptSpan<T extends { ok: boolean; failure?: { code: string } }>(
  event: RecordedEvent<StackCreated>,
  run: StackRunState | undefined,
  attempt: number,
  work: () => Promise<T>,
): Promise<T> {
  const { service, method, stackRunId } = event.data;
  const name = `${service}/${method.join(".")}`;
  const spec = () => ({
    kind: SpanKind.CLIENT,
    parent: stackRunContext(run?.traceparent, stackRunId),
    attributes: { ...callAttributes(event), "rpc.system.name": "tasker", "rpc.method": name, "tasker.attempt": attempt },
  });
  return withSpan(name, spec, async (span) => {
    const result = await work();
    if (!result.ok && result.failure) {
      span?.setAttribute("error.type", result.failure.code);
      span?.setStatus({ code: SpanStatusCode.ERROR });
    }
    return result;
  });
}

/** Records the span of the call `event` created, which just settled with `outcome`, from its creation on. */
export function recordCallSpan(event: RecordedEvent<StackCreated>, attempt: number, outcome: Outcome): void {
  const { stackRunId, parentStackRunId } = event.data;
  recordStackRunSpan(() => ({
    stackRunId,
    parentStackRunId,
    traceparent: event.metadata.traceparent,
    createdAt: event.metadata.recordedAt,
    name: stackRunSpanName(event.data),
    attributes: { ...callAttributes(event), "tasker.attempt": attempt },
    outcome: outcome.ok ? { ok: true } : { ok: false, code: String(outcome.error.code) },
  }));
}
