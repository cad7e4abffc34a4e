import { z } from "zod";

/** W3C trace context `traceparent` header: version-traceid-parentid-flags. */
export const Traceparent = z.string().regex(/^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/, "not a W3C traceparent");

/**
 * What every recorded event carries besides its type and data. The store assigns `streamVersion`,
 * `position` and `recordedAt`; the writer supplies the rest.
 */
export const EventMetadata = z.object({
  /** UUIDv7: unique, and sortable by creation time. Also the JetStream `Nats-Msg-Id`. */
  eventId: z.uuid({ version: "v7" }),
  streamId: z.string().min(1),
  /** 1-based position of the event in its stream, gap-free. */
  streamVersion: z.int().positive(),
  /** Global commit order across all streams. */
  position: z.int().positive(),
  recordedAt: z.iso.datetime(),
  traceparent: Traceparent.nullable(),
  /** The event (or request id) that caused this one. */
  causationId: z.string().nullable(),
  /** Ties together everything one user request led to: the task run id for run events. */
  correlationId: z.string().nullable(),
  /** The event schema it was written under (`EVENT_SCHEMA_VERSION`); absent on events written before versions: 1. */
  schemaVersion: z.int().positive().optional(),
  /**
   * The stream version this event was to get when its writer appended it with every decision the
   * run-model's rules call for on its append's events (`followUps`), decided on the run as the writer
   * last read it. When the event got that version, no other writer appended in between, and nothing
   * is left to decide on it (`awaitsDecision`). Absent: the writer decided nothing, or not all.
   */
  decidedAt: z.int().positive().optional(),
});
export type EventMetadata = z.infer<typeof EventMetadata>;

/** The part of the metadata a writer chooses; the rest is assigned at append. */
export const WriteMetadata = EventMetadata.pick({ traceparent: true, causationId: true, correlationId: true, decidedAt: true }).partial();
export type WriteMetadata = z.infer<typeof WriteMetadata>;

/**
 * Whether the writer of a recorded event took every decision the run-model's rules call for on its
 * append, and no other writer came between (`decidedAt` is the version the event got): then nothing
 * is left to decide on it.
 */
export function decidedByItsWriter(metadata: Pick<EventMetadata, "decidedAt" | "streamVersion">): boolean {
  return metadata.decidedAt !== undefined && metadata.decidedAt === metadata.streamVersion;
}

/**
 * The metadata of events written because of `cause` (the event a handler acted on; none for work a
 * timer started): caused by it, in the same trace, correlated to `correlationId` (the task run).
 */
export function causedBy(cause: { metadata: EventMetadata } | null, correlationId: string): WriteMetadata {
  return { causationId: cause?.metadata.eventId ?? null, correlationId, traceparent: cause?.metadata.traceparent ?? null };
}
