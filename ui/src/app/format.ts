/** How long `ms` milliseconds are, for a person: `850 ms`, `2.4 s`, `3 min 12 s`, `1 h 05 min`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, "0")} s`;
  return `${Math.floor(seconds / 3600)} h ${String(Math.floor((seconds % 3600) / 60)).padStart(2, "0")} min`;
}

/** Milliseconds from `from` to `to` (ISO-8601 texts; `to` absent: now). */
export function elapsed(from: string, to?: string): number {
  return (to === undefined ? Date.now() : Date.parse(to)) - Date.parse(from);
}

/** A moment in the reader's time zone: `14:03:07.123`, with the date when it is not today. */
export function formatTime(iso: string): string {
  const date = new Date(iso);
  const time = date.toLocaleTimeString(undefined, { hour12: false }) + `.${String(date.getMilliseconds()).padStart(3, "0")}`;
  return date.toDateString() === new Date().toDateString() ? time : `${date.toLocaleDateString()} ${time}`;
}

/** The last 8 characters of an id (ours are UUIDv7: their first ones are a timestamp, alike for ids made together). */
export const shortId = (id: string): string => id.slice(-8);

/** A JSON value, indented for reading. */
export const pretty = (value: unknown): string => JSON.stringify(value, null, 2) ?? "undefined";

/**
 * The statuses a run never leaves: the contracts' `ENDED_STATUSES`, restated because the page imports
 * only types from `@tasker/contracts` (a value import would bundle zod and every schema).
 */
export const ENDED: ReadonlySet<string> = new Set(["completed", "failed", "cancelled"]);
