import { headers, type MsgHdrs } from "@nats-io/nats-core";
import { EventMetadata, InvalidEventError, parseRecordedEvent, type RecordedEvent, TaskerError, ValidationError } from "@tasker/contracts";

/** Present, as `reference`, on a message that carries its event without its data. */
export const EVENT_DATA_HEADER = "Tasker-Data";
const BY_REFERENCE = "reference";

/** Room kept under the bus's `max_payload` for the subject, the headers and the protocol line. */
export const PAYLOAD_MARGIN_BYTES = 16 * 1024;

/**
 * Reads one event from this deployment's event store, by its place in its stream; undefined when
 * the store has no such event. Must throw, not answer undefined, when the store cannot be read.
 */
export type LoadEvent = (streamId: string, streamVersion: number) => Promise<RecordedEvent | undefined>;

/** An event as the bus carries it. */
export interface EventMessage {
  data: Uint8Array;
  headers: MsgHdrs;
}

/** What `decodeEventMessage` needs of a received message (a `JsMsg` or a `StoredMsg`). */
export interface ReceivedMessage {
  string(): string;
  headers?: MsgHdrs;
}

const encoder = new TextEncoder();

/**
 * The message that carries `event`: its JSON when that fits under `maxPayloadBytes` with
 * `PAYLOAD_MARGIN_BYTES` to spare; otherwise a reference (the event without its `data`, and the
 * header `Tasker-Data: reference`) that the receiver resolves from the event store. Both carry the
 * event's `traceparent` header.
 */
export function encodeEventMessage(event: RecordedEvent, maxPayloadBytes: number): EventMessage {
  const carried = headers();
  if (event.metadata.traceparent) carried.set("traceparent", event.metadata.traceparent);
  const inline = encoder.encode(JSON.stringify(event));
  if (inline.byteLength <= maxPayloadBytes - PAYLOAD_MARGIN_BYTES) return { data: inline, headers: carried };
  carried.set(EVENT_DATA_HEADER, BY_REFERENCE);
  const { type, metadata } = event;
  return { data: encoder.encode(JSON.stringify({ type, metadata })), headers: carried };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`the message is not JSON: ${(error as Error).message}`, "(message)", "INVALID_EVENT");
  }
}

function referenceOf(raw: unknown): { type: string; metadata: EventMetadata } {
  const { type, metadata } = (typeof raw === "object" && raw !== null ? raw : {}) as { type?: unknown; metadata?: unknown };
  const eventType = typeof type === "string" ? type : "(untyped)";
  const parsed = EventMetadata.safeParse(metadata);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidEventError(eventType, ["metadata", ...issue.path].join("."), issue.message);
  }
  return { type: eventType, metadata: parsed.data };
}

/**
 * The validated event a message carries: inline, or by reference through `loadEvent`. Throws
 * `InvalidEventError` (a validation error) for a message that is not an event, and a terminal
 * `UNKNOWN_EVENT` when the referenced event is not in this deployment's store; what `loadEvent`
 * throws passes through.
 */
export async function decodeEventMessage(msg: ReceivedMessage, loadEvent: LoadEvent): Promise<RecordedEvent> {
  const raw = parseJson(msg.string());
  const carriage = msg.headers?.get(EVENT_DATA_HEADER);
  if (!carriage) return parseRecordedEvent(raw);
  if (carriage !== BY_REFERENCE) throw new ValidationError(`unknown ${EVENT_DATA_HEADER} header "${carriage}"`, EVENT_DATA_HEADER, "INVALID_EVENT");
  const { type, metadata } = referenceOf(raw);
  const loaded = await loadEvent(metadata.streamId, metadata.streamVersion);
  if (loaded?.metadata.eventId !== metadata.eventId || loaded.type !== type) {
    const which = `${type} event ${metadata.eventId} (${metadata.streamId} version ${metadata.streamVersion})`;
    const message = `${which} is not in the event store of this deployment; another deployment may share the subject prefix on this NATS`;
    throw new TaskerError("UNKNOWN_EVENT", message, "terminal");
  }
  return parseRecordedEvent(loaded);
}
