/** A run's or stack run's status in its colour (see `.status-*` in styles.css). */
export function StatusBadge({ status }: { status: string }) {
  return <span class={`status status-${status}`}>{status}</span>;
}
