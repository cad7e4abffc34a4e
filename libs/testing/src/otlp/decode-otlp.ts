import { createRequire } from "node:module";
import { type KeyValue, plainAttributes, type ReceivedSpan } from "./otlp-span.js";

/** The generated protobuf root of the opentelemetry-proto messages, as `@opentelemetry/otlp-transformer` 0.52 shipped it. */
interface ProtoRoot {
  opentelemetry: { proto: { collector: { trace: { v1: { ExportTraceServiceRequest: ProtoMessage } } } } };
}
interface ProtoMessage {
  decode(bytes: Uint8Array): unknown;
  toObject(message: unknown, options: { longs: typeof String; bytes: typeof String; enums: typeof Number; defaults: boolean }): unknown;
}

const root = createRequire(import.meta.url)("otlp-proto-root/build/src/generated/root.js") as ProtoRoot;
const ExportTraceServiceRequest = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

/** What both encodings of an `ExportTraceServiceRequest` hold, ids still in their encoding. */
interface TraceRequest {
  resourceSpans?: {
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: {
      spans?: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind?: number;
        startTimeUnixNano: string | number;
        endTimeUnixNano: string | number;
        attributes?: KeyValue[];
        events?: { name: string; attributes?: KeyValue[] }[];
        status?: { code?: number };
      }[];
    }[];
  }[];
}

function spansOf(request: TraceRequest, id: (value: string) => string): ReceivedSpan[] {
  return (request.resourceSpans ?? []).flatMap((resourceSpans) => {
    const service = String(plainAttributes(resourceSpans.resource?.attributes)["service.name"] ?? "");
    return (resourceSpans.scopeSpans ?? []).flatMap((scope) =>
      (scope.spans ?? []).map((span) => ({
        service,
        traceId: id(span.traceId),
        spanId: id(span.spanId),
        parentSpanId: span.parentSpanId ? id(span.parentSpanId) : "",
        name: span.name,
        kind: Number(span.kind ?? 0),
        startMs: Number(BigInt(span.startTimeUnixNano) / 1_000_000n),
        endMs: Number(BigInt(span.endTimeUnixNano) / 1_000_000n),
        attributes: plainAttributes(span.attributes),
        events: (span.events ?? []).map((event) => ({ name: event.name, attributes: plainAttributes(event.attributes) })),
        status: Number(span.status?.code ?? 0),
      })),
    );
  });
}

/** The spans of an OTLP/HTTP protobuf `ExportTraceServiceRequest` body. */
export function decodeProtobufSpans(body: Uint8Array): ReceivedSpan[] {
  const message = ExportTraceServiceRequest.decode(body);
  const request = ExportTraceServiceRequest.toObject(message, { longs: String, bytes: String, enums: Number, defaults: false }) as TraceRequest;
  // `bytes: String` gives base64.
  return spansOf(request, (value) => Buffer.from(value, "base64").toString("hex"));
}

/** The spans of an OTLP/HTTP JSON `ExportTraceServiceRequest` body (ids in hex, as the spec's JSON mapping has them). */
export function decodeJsonSpans(body: Uint8Array): ReceivedSpan[] {
  return spansOf(JSON.parse(Buffer.from(body).toString("utf8")) as TraceRequest, (value) => value.toLowerCase());
}
