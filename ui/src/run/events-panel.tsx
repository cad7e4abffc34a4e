import type { StreamedEvent } from "../api/run-event-stream";
import { formatTime, pretty, shortId } from "../app/format";

/** The run's raw history as the event stream delivered it, each event opening to its recorded JSON. */
export function EventsPanel({ events }: { events: StreamedEvent[] }) {
  if (events.length === 0) return <p class="muted">No events yet.</p>;
  return (
    <ol class="events">
      {events.map(({ version, event }) => {
        const stackRunId = (event.data as { stackRunId?: unknown }).stackRunId;
        return (
          <li key={version}>
            <details>
              <summary>
                <span class="number">v{version}</span> <span class="mono">{event.type}</span> <span class="muted">{formatTime(event.metadata.recordedAt)}</span>
                {typeof stackRunId === "string" && <span class="muted mono"> {shortId(stackRunId)}</span>}
              </summary>
              <pre>{pretty(event)}</pre>
            </details>
          </li>
        );
      })}
    </ol>
  );
}
