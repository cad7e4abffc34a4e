import { useState } from "preact/hooks";
import type { StreamedEvent } from "../api/run-event-stream";
import { formatTime, pretty, shortId } from "../app/format";

/** The run's raw history as the event stream delivered it, each event opening to its recorded JSON. */
export function EventsPanel({ events }: { events: StreamedEvent[] }) {
  if (events.length === 0) return <p class="muted">No events yet.</p>;
  return (
    <ol class="events">
      {events.map((streamed) => (
        <EventItem key={streamed.version} streamed={streamed} />
      ))}
    </ol>
  );
}

/** One event; its JSON is rendered once opened (a run's history may hold thousands). */
function EventItem({ streamed: { version, event } }: { streamed: StreamedEvent }) {
  const [open, setOpen] = useState(false);
  const stackRunId = (event.data as { stackRunId?: unknown }).stackRunId;
  return (
    <li>
      <details onToggle={(toggled) => setOpen(toggled.currentTarget.open)}>
        <summary>
          <span class="number">v{version}</span> <span class="mono">{event.type}</span> <span class="muted">{formatTime(event.metadata.recordedAt)}</span>
          {typeof stackRunId === "string" && <span class="muted mono"> {shortId(stackRunId)}</span>}
        </summary>
        {open && <pre>{pretty(event)}</pre>}
      </details>
    </li>
  );
}
