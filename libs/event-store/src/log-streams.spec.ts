import { newId, type NewEvent, runStreamId } from "@tasker/contracts";
import type { EventStore } from "./event-store.js";

// Streams for the event store's own tests (a `.spec.ts` without a suite: type-checked, not built, not collected).

/** A `log.appended` event of `stackRunId`: the simplest event an append takes. */
export function log(stackRunId: string, message: string): NewEvent {
  return { type: "log.appended", data: { stackRunId, level: "info", message, at: new Date().toISOString() } };
}

/** A run stream that does not exist yet, and a stack run id to log as. */
export function newStream(): { streamId: string; stackRunId: string } {
  return { streamId: runStreamId(newId()), stackRunId: newId() };
}

/** A stream that exists: guards are locks inside a stream (a run's, created by its submission). */
export async function existingStream(store: EventStore): Promise<{ streamId: string; stackRunId: string }> {
  const stream = newStream();
  await store.append(stream.streamId, "no_stream", [log(stream.stackRunId, "created")]);
  return stream;
}
