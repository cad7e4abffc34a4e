import { type EventMetadata, type RecordedEvent, type TaskerEvent, upcast } from "@tasker/contracts";

/** A row of the `events` table as the driver returns it. */
export interface EventRow {
  position: string;
  stream_id: string;
  version: number;
  event_id: string;
  type: string;
  data: unknown;
  metadata: Pick<EventMetadata, "traceparent" | "causationId" | "correlationId" | "schemaVersion" | "decidedAt">;
  recorded_at: Date;
}

export const EVENT_COLUMNS = "position, stream_id, version, event_id, type, data, metadata, recorded_at";

/** A row as the event it records, in today's shape (`upcast`: events of older schema versions are upgraded on read). */
export function toRecordedEvent(row: EventRow): RecordedEvent {
  return upcast({
    type: row.type,
    data: row.data,
    metadata: {
      eventId: row.event_id,
      streamId: row.stream_id,
      streamVersion: row.version,
      position: Number(row.position),
      recordedAt: row.recorded_at.toISOString(),
      traceparent: row.metadata.traceparent ?? null,
      causationId: row.metadata.causationId ?? null,
      correlationId: row.metadata.correlationId ?? null,
      schemaVersion: row.metadata.schemaVersion ?? 1,
      ...(row.metadata.decidedAt === undefined ? {} : { decidedAt: row.metadata.decidedAt }),
    },
  } as TaskerEvent as RecordedEvent);
}
