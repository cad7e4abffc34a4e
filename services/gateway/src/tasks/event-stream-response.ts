import type { ServerResponse } from "node:http";
import { Logger } from "@nestjs/common";
import type { RecordedEvent } from "@tasker/contracts";

const logger = new Logger("event-stream");

/** How often an idle stream sends a comment, so that proxies and clients do not time it out. */
const HEARTBEAT_MS = 15_000;

/** One event in the `text/event-stream` format: its type, its version as the id, the recorded event as one line of JSON. */
export function formatEvent(event: RecordedEvent): string {
  // JSON.stringify escapes every CR and LF inside strings: the data is always a single line.
  return `event: ${event.type}\nid: ${event.metadata.streamVersion}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * Resolves when `response` can take more, has closed, or `stop` aborts: a slow client holds the
 * reading back instead of our memory, but not a gateway that stops.
 */
function drained(response: ServerResponse, stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off("drain", done);
      response.off("close", done);
      stop.removeEventListener("abort", done);
      resolve();
    };
    response.once("drain", done);
    response.once("close", done);
    if (stop.aborted) return done();
    stop.addEventListener("abort", done, { once: true });
  });
}

/**
 * Answers with `events` as Server-Sent Events (`200`, `text/event-stream`), with a `: keep-alive`
 * comment every 15 s, and ends the response when `events` ends. `stop` is aborted when the client
 * closes the connection or the gateway stops; `events` must then end. A client that stopped reading
 * when the gateway stops has its connection cut (it resumes after the last id it received), so a stop
 * never waits on it. A failure while streaming ends the stream (logged): the status is already sent.
 */
export async function sendEventStream(response: ServerResponse, events: AsyncIterable<RecordedEvent>, stop: AbortSignal): Promise<void> {
  response.writeHead(200, {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-cache, no-transform",
    Connection: "keep-alive",
    // nginx and its kin buffer responses unless told not to.
    "X-Accel-Buffering": "no",
  });
  response.flushHeaders();
  const heartbeat = setInterval(() => response.write(": keep-alive\n\n"), HEARTBEAT_MS);
  try {
    for await (const event of events) {
      if (stop.aborted) break;
      if (!response.write(formatEvent(event))) await drained(response, stop);
    }
  } catch (error) {
    // The 200 is sent: the stream can only end. A client resumes after the last id it received.
    logger.error(`an event stream ended early: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    clearInterval(heartbeat);
    if (stop.aborted && response.writableNeedDrain) response.destroy();
    else if (!response.writableEnded) response.end();
  }
}
