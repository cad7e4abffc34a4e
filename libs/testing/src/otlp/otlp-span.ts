/** One span as an OTLP receiver got it, in the shape the tests read: ids in hex, times in ms. */
export interface ReceivedSpan {
  /** `service.name` of the resource that exported it. */
  readonly service: string;
  readonly traceId: string;
  readonly spanId: string;
  /** Empty for a root span. */
  readonly parentSpanId: string;
  readonly name: string;
  /** OTLP's `SpanKind` number: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  readonly kind: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly events: readonly { readonly name: string; readonly attributes: Readonly<Record<string, unknown>> }[];
  /** OTLP's status code: 0 unset, 1 ok, 2 error. */
  readonly status: number;
}

/** An OTLP `AnyValue` (protobuf `toObject` or JSON) as a plain value. */
export function plainValue(value: Record<string, unknown> | null | undefined): unknown {
  if (!value) return null;
  if ("stringValue" in value) return value.stringValue;
  if ("boolValue" in value) return value.boolValue;
  if ("intValue" in value) return Number(value.intValue);
  if ("doubleValue" in value) return value.doubleValue;
  if ("arrayValue" in value) return ((value.arrayValue as { values?: Record<string, unknown>[] }).values ?? []).map(plainValue);
  if ("kvlistValue" in value) return plainAttributes((value.kvlistValue as { values?: KeyValue[] }).values);
  if ("bytesValue" in value) return value.bytesValue;
  return null;
}

export interface KeyValue {
  key: string;
  value?: Record<string, unknown> | null;
}

/** OTLP attributes as a record of plain values. */
export function plainAttributes(attributes: readonly KeyValue[] | null | undefined): Record<string, unknown> {
  return Object.fromEntries((attributes ?? []).map(({ key, value }) => [key, plainValue(value)]));
}
