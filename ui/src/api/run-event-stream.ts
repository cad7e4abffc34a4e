import { failureOf } from "./client";
import { authHeaders } from "./session-key";
import type { RecordedEvent } from "./types";

/** One Server-Sent Event of `GET /tasks/:id/events`: its `id:` (the event's version) and `data:`. */
export interface StreamedEvent {
  version: number;
  event: RecordedEvent;
}

/** Splits a text/event-stream into events: blank-line separated blocks of `field: value` lines; comments (`:`) dropped. */
function parseBlock(block: string): StreamedEvent | undefined {
  let id: string | undefined;
  const data: string[] = [];
  for (const line of block.split("\n")) {
    if (line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "id") id = value;
    else if (field === "data") data.push(value);
  }
  if (id === undefined || data.length === 0) return undefined;
  return { version: Number(id), event: JSON.parse(data.join("\n")) as RecordedEvent };
}

/**
 * Reads the run's events after version `after` as they are recorded, calling `onEvent` for each, until
 * the server ends the stream (after the run's end) or `signal` aborts. Through `fetch` with a streaming
 * reader, not `EventSource`, so that the API key travels in a header, never in the URL.
 * @throws ApiError when the gateway refuses the stream (404 unknown run, 401 ...); a network error as `fetch` throws it.
 */
export async function readRunEvents(taskRunId: string, after: number, onEvent: (streamed: StreamedEvent) => void, signal: AbortSignal): Promise<void> {
  const headers: Record<string, string> = { accept: "text/event-stream", ...authHeaders() };
  if (after > 0) headers["last-event-id"] = String(after);
  const response = await fetch(`/tasks/${encodeURIComponent(taskRunId)}/events`, { headers, signal });
  if (!response.ok || response.body === null) throw await failureOf(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffered += value.replace(/\r\n?/g, "\n");
    let end: number;
    while ((end = buffered.indexOf("\n\n")) !== -1) {
      const streamed = parseBlock(buffered.slice(0, end));
      buffered = buffered.slice(end + 2);
      if (streamed) onEvent(streamed);
    }
  }
}
